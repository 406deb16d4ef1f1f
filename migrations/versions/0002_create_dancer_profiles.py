"""Create dancer profiles from legacy dancer users (plan 2.1)."""

from migrations.context import MigrationContext
from migrations.frozen.backfill_0002 import backfill_profiles, remove_backfilled_profiles

DESTRUCTIVE = False


async def up(ctx: MigrationContext) -> None:
    """A primary, active dancer profile for every legacy dancer who has none."""
    await backfill_profiles(ctx, "dancer")


async def down(ctx: MigrationContext) -> None:
    """Delete the dancer profiles this script created and the users' references."""
    await remove_backfilled_profiles(ctx, "dancer")

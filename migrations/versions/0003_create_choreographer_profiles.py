"""Create choreographer profiles from legacy choreographer users (plan 2.1)."""

from migrations.context import MigrationContext
from migrations.frozen.backfill_0002 import backfill_profiles, remove_backfilled_profiles

DESTRUCTIVE = False


async def up(ctx: MigrationContext) -> None:
    """A primary, active choreographer profile for every legacy choreographer who has none."""
    await backfill_profiles(ctx, "choreographer")


async def down(ctx: MigrationContext) -> None:
    """Delete the choreographer profiles this script created and the users' references."""
    await remove_backfilled_profiles(ctx, "choreographer")

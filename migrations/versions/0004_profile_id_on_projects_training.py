"""`profileId` on the projects and training records of migrated users (plan 3.3).

Each record of a user who has a primary profile gets that profile's id unless it names
one of the user's profiles already; `userId` stays. A `profileId` that is null or names
nothing of the user's (a half-applied earlier attempt) is overwritten, what it held kept
in `migration_undo`. Records this script linked carry `profileIdBackfilled: true`, so
`down` puts back exactly those and never touches a record the service linked.
"""

from migrations.context import MigrationContext
from migrations.frozen.relink_0004 import link_records, unlink_records

DESTRUCTIVE = False
MARKER = "profileIdBackfilled"


async def up(ctx: MigrationContext) -> None:
    """Link every record without a usable `profileId` to its user's primary profile."""
    await link_records(ctx, MARKER, {})


async def down(ctx: MigrationContext) -> None:
    """Put back the `profileId` this script set: what it held before, or none."""
    await unlink_records(ctx, MARKER)

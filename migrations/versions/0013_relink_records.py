"""Records whose `profileId` is null or names nothing of their user's, linked to the
user's primary profile; and the indexes of `migration_undo`.

0004 first linked only records without a `profileId`, and 0001 made no undo collection:
on databases that applied those forms, this script makes the undo indexes and links what
0004 left (it reads only the records 0004 did not link: on a database where 0004
ran as it is now, those are few and need nothing). What a record held is kept for `down`,
which puts it back on the records this script marked (`profileIdRelinked`). The indexes
stay: 0001 owns them.
"""

from migrations.context import MigrationContext
from migrations.frozen.relink_0004 import link_records, unlink_records
from migrations.undo import UNDO_INDEXES

DESTRUCTIVE = False
MARKER = "profileIdRelinked"
EARLIER_MARKER = "profileIdBackfilled"
"""What 0004 marks the records it linked: those need no second look."""


async def up(ctx: MigrationContext) -> None:
    """Make the undo indexes, then link what is left unlinked."""
    if not ctx.dry_run:
        await ctx.create_indexes("migration_undo", UNDO_INDEXES)
    await link_records(ctx, MARKER, {EARLIER_MARKER: {"$ne": True}})


async def down(ctx: MigrationContext) -> None:
    """Put back the `profileId` of the records this script linked."""
    await unlink_records(ctx, MARKER)

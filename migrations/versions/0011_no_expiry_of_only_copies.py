"""Nothing that holds the only copy of a value expires on a timer.

After 0005, a legacy value the profile could not hold lives only in its issue record and
in the backup; 0009's TTL indexes deleted both `PROFILES_RETENTION_DAYS` after they were
written. This script drops those TTL indexes (if present): issue records and backups are
kept until someone prunes them with `profiles migrate prune`, which says what it deletes.
`down` puts the TTL indexes back as 0009 made them.
"""

import os

from pymongo import ASCENDING, IndexModel
from pymongo.errors import OperationFailure

from migrations import collections as names
from migrations.context import MigrationContext

DESTRUCTIVE = False

DATE_FIELDS = {names.ISSUES: "recordedAt", names.LEGACY_BACKUP: "backedUpAt"}
INDEX_NOT_FOUND = 27
NAMESPACE_NOT_FOUND = 26
RETENTION_VARIABLE = "PROFILES_RETENTION_DAYS"
DEFAULT_RETENTION_DAYS = 90


async def up(ctx: MigrationContext) -> None:
    """Drop the TTL indexes of issue records and backups."""
    for collection, field in DATE_FIELDS.items():
        if ctx.dry_run:
            ctx.stats["ttl indexes"] += 1
            continue
        try:
            await ctx.db[collection].drop_index(f"{field}_ttl")
        except OperationFailure as error:
            if error.code not in (INDEX_NOT_FOUND, NAMESPACE_NOT_FOUND):
                raise
            continue
        ctx.stats["ttl indexes dropped"] += 1


async def down(ctx: MigrationContext) -> None:
    """Make the TTL indexes again (`PROFILES_RETENTION_DAYS`, default 90)."""
    raw = os.environ.get(RETENTION_VARIABLE, "").strip() or str(DEFAULT_RETENTION_DAYS)
    seconds = max(1, int(raw)) * 86_400 if raw.isdigit() else DEFAULT_RETENTION_DAYS * 86_400
    for collection, field in DATE_FIELDS.items():
        model = IndexModel([(field, ASCENDING)], name=f"{field}_ttl", expireAfterSeconds=seconds)
        await ctx.create_indexes(collection, [model])
        ctx.stats["ttl indexes"] += 1

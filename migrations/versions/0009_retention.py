"""Retention: migration issue records and legacy backups expire (TTL indexes).

`migration_issues.recordedAt` and `legacy_user_backup.backedUpAt` get TTL indexes, so
the server deletes a record `PROFILES_RETENTION_DAYS` (default 90) after it was written.
The runner hands scripts no settings, so the variable is read here, with the service's
documented default. Records without their date (none are written so today, but a TTL
index never expires such a document) are given the time of this run first. An index of
the same name with another expiry (say, made by hand) is changed in place (`collMod`).
To change the retention later: `profiles migrate down --to 8`, then `up` with the new
value. `down` drops the indexes (the backfilled dates stay: true enough, and harmless).
"""

import os

from pymongo import ASCENDING, IndexModel
from pymongo.errors import OperationFailure

from migrations import collections as names
from migrations.context import MigrationContext
from migrations.errors import MigrationError
from migrations.lock import now

DESTRUCTIVE = False

RETENTION_VARIABLE = "PROFILES_RETENTION_DAYS"
DEFAULT_RETENTION_DAYS = 90
DATE_FIELDS = {names.ISSUES: "recordedAt", names.LEGACY_BACKUP: "backedUpAt"}
INDEX_NOT_FOUND = 27
NAMESPACE_NOT_FOUND = 26


def index_name(field: str) -> str:
    """`recordedAt_ttl`."""
    return f"{field}_ttl"


def retention_seconds() -> int:
    """`PROFILES_RETENTION_DAYS` in seconds; a clear error for a bad value."""
    raw = os.environ.get(RETENTION_VARIABLE, "").strip() or str(DEFAULT_RETENTION_DAYS)
    try:
        days = int(raw)
    except ValueError:
        days = 0
    if days < 1:
        raise MigrationError(f"{RETENTION_VARIABLE} must be a whole number of days, 1 or more")
    return days * 86_400


async def up(ctx: MigrationContext) -> None:
    """Give undated records a date, then create (or retune) the TTL indexes."""
    seconds = retention_seconds()
    for collection, field in DATE_FIELDS.items():
        undated = {field: {"$exists": False}}
        if ctx.dry_run:
            ctx.stats[f"{collection} undated"] += await ctx.db[collection].count_documents(undated)
            ctx.stats["ttl indexes"] += 1
            continue
        result = await ctx.db[collection].update_many(undated, {"$set": {field: now()}})
        ctx.stats[f"{collection} dated"] += result.modified_count
        name = index_name(field)
        existing = {info["name"]: info async for info in await ctx.db[collection].list_indexes()}
        if name in existing:
            if existing[name].get("expireAfterSeconds") != seconds:
                await ctx.db.command(
                    "collMod",
                    collection,
                    index={"name": name, "expireAfterSeconds": seconds},
                )
                ctx.stats["ttl indexes changed"] += 1
            continue
        model = IndexModel([(field, ASCENDING)], name=name, expireAfterSeconds=seconds)
        await ctx.create_indexes(collection, [model])
        ctx.stats["ttl indexes"] += 1


async def down(ctx: MigrationContext) -> None:
    """Drop the TTL indexes."""
    for collection, field in DATE_FIELDS.items():
        try:
            await ctx.db[collection].drop_index(index_name(field))
        except OperationFailure as error:
            if error.code not in (INDEX_NOT_FOUND, NAMESPACE_NOT_FOUND):
                raise
            continue
        ctx.stats["ttl indexes dropped"] += 1

"""`profiles migrate prune`: delete issue records and legacy backups older than a number
of days, saying what it deletes (and, without `--yes`, deleting nothing).

They may hold the only copy of a legacy value the profiles could not keep, so nothing
deletes them on a timer (0011); an operator decides, with this command."""

from datetime import timedelta
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from migrations import collections as names
from migrations.lock import now

DATE_FIELDS = {names.ISSUES: "recordedAt", names.LEGACY_BACKUP: "backedUpAt"}


async def prune(
    db: AsyncDatabase[dict[str, Any]], older_than_days: int, *, delete: bool
) -> dict[str, int]:
    """How many documents of each collection are older than `older_than_days` (deleted
    when `delete`)."""
    cutoff = now() - timedelta(days=older_than_days)
    found: dict[str, int] = {}
    for collection, field in DATE_FIELDS.items():
        old = {field: {"$lt": cutoff}}
        if delete:
            found[collection] = (await db[collection].delete_many(old)).deleted_count
        else:
            found[collection] = await db[collection].count_documents(old)
    return found

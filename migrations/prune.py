"""`profiles migrate prune`: delete issue records and legacy backups older than a number
of days, saying what it deletes (and, without `--yes`, deleting nothing).

They may hold the only copy of a legacy value the profiles could not keep, so nothing
deletes them on a timer (0011); an operator decides, with this command. Even then, an
old issue record is kept while it is the last copy of its value (the user no longer
holds the field, after 0005, and no backup younger than the cutoff does), unless
`only_copies` says to delete those too. A backup is never the only copy: the migration
copied, normalised or recorded each of its values.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pymongo import DeleteMany
from pymongo.asynchronous.database import AsyncDatabase

from documents.legacy.fields import LEGACY_USER_FIELDS
from migrations import collections as names
from migrations.lock import now
from migrations.lookups import find_in

Document = dict[str, Any]
DATE_FIELDS = {names.ISSUES: "recordedAt", names.LEGACY_BACKUP: "backedUpAt"}
CHUNK = 500


@dataclass
class Pruned:
    """What a prune deleted (or would delete), and what it kept as the only copies."""

    deleted: Counter[str] = field(default_factory=Counter)
    only_copies: Counter[str] = field(default_factory=Counter)


def _top(path: str) -> str:
    return path.split(".", 1)[0]


async def prune(
    db: AsyncDatabase[Document],
    older_than_days: int,
    *,
    delete: bool,
    only_copies: bool = False,
) -> Pruned:
    """Delete (when `delete`) the issue records and backups older than `older_than_days`,
    but the records holding the last copy of a value unless `only_copies`."""
    cutoff = now() - timedelta(days=older_than_days)
    found = Pruned()
    issues = db[names.ISSUES].find(
        {"recordedAt": {"$lt": cutoff}}, {"userId": 1, "field": 1}, sort=[("_id", 1)]
    )
    chunk: list[Document] = []
    async for issue in issues:
        chunk.append(issue)
        if len(chunk) == CHUNK:
            await _prune_issues(db, chunk, cutoff, delete, only_copies, found)
            chunk = []
    if chunk:
        await _prune_issues(db, chunk, cutoff, delete, only_copies, found)
    # a backup duplicates what the profile and the issue records hold (the migration
    # copied, normalised or recorded every value), so it is never the only copy
    old = {"backedUpAt": {"$lt": cutoff}}
    if delete:
        result = await db[names.LEGACY_BACKUP].delete_many(old)
        found.deleted[names.LEGACY_BACKUP] += result.deleted_count
    else:
        found.deleted[names.LEGACY_BACKUP] += await db[names.LEGACY_BACKUP].count_documents(old)
    return found


async def _prune_issues(
    db: AsyncDatabase[Document],
    issues: list[Document],
    cutoff: datetime,
    delete: bool,
    only_copies: bool,
    found: Pruned,
) -> None:
    """An old record goes when its user still holds the field, or a backup younger than
    the cutoff holds it (or when told to delete last copies)."""
    user_ids = list({i["userId"] for i in issues if i.get("userId") is not None})
    users = {
        u["_id"]: u async for u in find_in(db, names.USERS, "_id", user_ids, projection=_NO_ID_ONLY)
    }
    kept_backups = {
        b["_id"]: b
        async for b in find_in(db, names.LEGACY_BACKUP, "_id", user_ids)
        if b.get("backedUpAt") is not None and b["backedUpAt"] >= cutoff
    }
    going: list[Any] = []
    for issue in issues:
        user_id, top = issue.get("userId"), _top(str(issue.get("field")))
        held = (
            user_id is None  # about a record, which keeps its value
            or top in users.get(user_id, {})
            or top in (kept_backups.get(user_id) or {}).get("fields", {})
        )
        if held or only_copies:
            going.append(issue["_id"])
        else:
            found.only_copies[names.ISSUES] += 1
    found.deleted[names.ISSUES] += len(going)
    if delete and going:
        await db[names.ISSUES].bulk_write([DeleteMany({"_id": {"$in": going}})])


_NO_ID_ONLY: Document = {"_id": 1, "authId": 1, **dict.fromkeys(LEGACY_USER_FIELDS, 1)}
"""The user fields an issue record can be about."""

"""Which account a token's subject has, remembered for a minute per process.

Reads use it to choose between a profile's full view (its owner) and the public view,
without a round trip per request. A stale answer can only show less: an account's `_id`
never changes and belongs to one subject, so an old entry names profiles that are the
subject's or that no longer exist (erasure deletes them, and forgets the entry in this
process). Writes never use it: they check the owner inside their transaction.
"""

import time
from collections import OrderedDict

from bson import ObjectId

from documents import User

TTL_SECONDS = 60.0
MAX_ENTRIES = 10_000

# by database (one per test in the suite) and `authId`
_entries: OrderedDict[tuple[str, str], tuple[float, ObjectId]] = OrderedDict()


def _key(auth_id: str) -> tuple[str, str]:
    return (User.get_pymongo_collection().database.name, auth_id)


async def account_id_of(auth_id: str) -> ObjectId | None:
    """The `_id` of the account whose `authId` is `auth_id`, or None (not remembered:
    a subject that onboards next sees its own profiles at once)."""
    now = time.monotonic()
    key = _key(auth_id)
    entry = _entries.get(key)
    if entry is not None and now - entry[0] < TTL_SECONDS:
        _entries.move_to_end(key)
        return entry[1]
    raw = await User.get_pymongo_collection().find_one({"authId": auth_id}, {"_id": 1})
    if raw is None:
        _entries.pop(key, None)
        return None
    _entries[key] = (now, raw["_id"])
    _entries.move_to_end(key)
    while len(_entries) > MAX_ENTRIES:
        _entries.popitem(last=False)
    account_id: ObjectId = raw["_id"]
    return account_id


def forget_account(auth_id: str) -> None:
    """Drop what this process remembers of `auth_id` (its account was erased)."""
    _entries.pop(_key(auth_id), None)

"""Which account a token's subject has, remembered for a minute per process.

Reads use it to choose between a profile's full view (its owner) and the public view,
without a round trip per request. A stale answer can only show less: an account's `_id`
never changes and belongs to one subject, so an old entry names profiles that are the
subject's or that no longer exist (erasure deletes them, and forgets the entry in this
process). Writes never use it: they check the owner inside their transaction.
"""

from bson import ObjectId

from documents import User
from service.platform.cache import TimedCache

TTL_SECONDS = 60.0
MAX_ENTRIES = 10_000

# by database (one per test in the suite) and `authId`
_account_ids: TimedCache[tuple[str, str], ObjectId] = TimedCache(TTL_SECONDS, MAX_ENTRIES)


def _key(auth_id: str) -> tuple[str, str]:
    return (User.get_pymongo_collection().database.name, auth_id)


async def account_id_of(auth_id: str) -> ObjectId | None:
    """The `_id` of the account whose `authId` is `auth_id`, or None (not remembered:
    a subject that onboards next sees its own profiles at once)."""
    key = _key(auth_id)
    remembered = _account_ids.get(key)
    if remembered is not None:
        return remembered
    raw = await User.get_pymongo_collection().find_one({"authId": auth_id}, {"_id": 1})
    if raw is None:
        _account_ids.forget(key)
        return None
    account_id: ObjectId = raw["_id"]
    _account_ids.put(key, account_id)
    return account_id


def forget_account(auth_id: str) -> None:
    """Drop what this process remembers of `auth_id` (its account was erased)."""
    _account_ids.forget(_key(auth_id))

"""Which account a token's subject has, remembered for a minute per process.

Reads use it to choose between a profile's full view (its owner) and the public view,
without a round trip per request. What is remembered is "at time T, this subject's
account was X" (or "had none"). It can be out of date only one way: the account was
erased and the subject made a new one since, perhaps through another replica. The new
account's `_id` is an ObjectId made after T, and ObjectIds carry the time they were
made, so before a caller is treated as a stranger to a profile whose owner's account is
that young (made after T, less `SKEW_SECONDS` for the clocks of other machines), the
subject's account is read afresh. An owner's account made before T cannot be the
caller's: the caller's account at T was X, one account per subject at a time, and an
account never comes back. Writes use it too: a remembered account that was erased since
owns no profile any more (erasure deletes them with it), so it can grant nothing.
"""

import time
from collections.abc import Collection
from dataclasses import dataclass

from bson import ObjectId

from documents import User
from service.platform.cache import TimedCache

TTL_SECONDS = 60.0
MAX_ENTRIES = 10_000
SKEW_SECONDS = 30.0
"""How far the clocks of the machines that make account ids may run ahead of this one's
(an account made by a replica whose clock runs ahead looks younger than it is: that only
costs a read)."""


@dataclass(frozen=True)
class Known:
    """A subject's account (None: none) as read at `read_at` (seconds since the epoch,
    taken before the read was sent)."""

    account_id: ObjectId | None
    read_at: float

    def may_be_outdated_by(self, owner_id: ObjectId) -> bool:
        """True when `owner_id` could be an account the subject made after this was
        read."""
        made = owner_id.generation_time.timestamp()
        return owner_id != self.account_id and made >= self.read_at - SKEW_SECONDS


# by database (one per test in the suite) and `authId`
_known: TimedCache[tuple[str, str], Known] = TimedCache(TTL_SECONDS, MAX_ENTRIES)


def _key(auth_id: str) -> tuple[str, str]:
    return (User.get_pymongo_collection().database.name, auth_id)


async def own_account_among(auth_id: str, owner_ids: Collection[ObjectId]) -> ObjectId | None:
    """The subject's account id when it is one of `owner_ids` (the owners of the
    profiles about to be shown), else None: from what this process remembers, read afresh
    when nothing is remembered or an owner's account is young enough to be the subject's
    newer one (the module's docstring says why that is enough)."""
    key = _key(auth_id)
    known = _known.get(key)
    if known is None or any(known.may_be_outdated_by(owner) for owner in owner_ids):
        known = await _read(auth_id)
        _known.put(key, known)
    return known.account_id if known.account_id in owner_ids else None


async def _read(auth_id: str) -> Known:
    read_at = time.time()
    raw = await User.get_pymongo_collection().find_one({"authId": auth_id}, {"_id": 1})
    return Known(None if raw is None else raw["_id"], read_at)


def forget_account(auth_id: str) -> None:
    """Drop what this process remembers of `auth_id` (its account was erased)."""
    _known.forget(_key(auth_id))

"""Rollout flags, stored in the database and changeable at runtime (cached 2 seconds).

One document `feature_flags/rollout`: `dualWrite` (profile writes also write the legacy
user fields), `readSource` (`legacy` or `profiles`), `readAllowlist` (authIds that read
from profiles early) and `readPercentage` (0-100, by a stable hash of the authId).
"""

import hashlib
import time
from dataclasses import dataclass
from typing import Any, Literal

from documents import User
from documents.profile_base import utc_now
from service.caller import Caller
from service.errors import Forbidden

ReadSource = Literal["legacy", "profiles"]
FLAGS_COLLECTION = "feature_flags"
ROLLOUT_ID = "rollout"
CACHE_SECONDS = 2.0


@dataclass(frozen=True)
class Rollout:
    """The rollout flags; the defaults hold until an admin changes them."""

    dualWrite: bool = True
    readSource: ReadSource = "legacy"
    readAllowlist: tuple[str, ...] = ()
    readPercentage: int = 0

    def view(self) -> dict[str, Any]:
        """The JSON representation."""
        return {
            "dualWrite": self.dualWrite,
            "readSource": self.readSource,
            "readAllowlist": list(self.readAllowlist),
            "readPercentage": self.readPercentage,
        }


_cache: dict[str, tuple[float, Rollout]] = {}


def _collection() -> Any:
    return User.get_pymongo_collection().database[FLAGS_COLLECTION]


async def get_rollout() -> Rollout:
    """The current flags (at most 2 seconds old in this process)."""
    collection = _collection()
    key = collection.database.name
    cached = _cache.get(key)
    if cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    raw = await collection.find_one({"_id": ROLLOUT_ID}) or {}
    rollout = Rollout(
        dualWrite=bool(raw.get("dualWrite", True)),
        readSource="profiles" if raw.get("readSource") == "profiles" else "legacy",
        readAllowlist=tuple(str(a) for a in raw.get("readAllowlist") or []),
        readPercentage=int(raw.get("readPercentage") or 0),
    )
    _cache[key] = (time.monotonic(), rollout)
    return rollout


async def set_rollout(caller: Caller, changes: dict[str, Any]) -> Rollout:
    """Change flags (admins only); takes effect at once in this process, within the cache
    time in the others."""
    if not caller.is_admin:
        raise Forbidden("only admins may change the rollout flags")
    collection = _collection()
    await collection.update_one(
        {"_id": ROLLOUT_ID},
        {"$set": {**changes, "updatedAt": utc_now(), "updatedBy": caller.auth_id}},
        upsert=True,
    )
    _cache.pop(collection.database.name, None)
    return await get_rollout()


async def get_rollout_for_admin(caller: Caller) -> Rollout:
    """The flags, for admins."""
    if not caller.is_admin:
        raise Forbidden("only admins may read the rollout flags")
    return await get_rollout()


def rollout_bucket(auth_id: str) -> int:
    """A stable bucket 0-99 for a user (the same on every process and release)."""
    return int.from_bytes(hashlib.sha256(auth_id.encode()).digest()[:4], "big") % 100


def read_source_for(rollout: Rollout, auth_id: str) -> ReadSource:
    """Where this user's reads come from."""
    if rollout.readSource == "profiles" or auth_id in rollout.readAllowlist:
        return "profiles"
    return "profiles" if rollout_bucket(auth_id) < rollout.readPercentage else "legacy"

"""Rollout flags, stored in the database and changeable at runtime (cached 2 seconds).

One document `feature_flags/rollout`: `dualWrite` (profile writes also write the legacy
user fields), `readSource` (`legacy` or `profiles`), `readAllowlist` (authIds that read
from profiles early), `readPercentage` (0-100, by a stable hash of the authId), and who
changed them when. A flag missing from the document has its default.
"""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pymongo.asynchronous.collection import AsyncCollection

from documents import User
from documents.clock import utc_now
from documents.collections import FEATURE_FLAGS
from service.platform.cache import TimedCache
from service.platform.caller import Caller
from service.platform.db import MongoDocument
from service.platform.errors import Forbidden, InvalidInput

ReadSource = Literal["legacy", "profiles"]
READ_SOURCES: tuple[ReadSource, ...] = ("legacy", "profiles")
ROLLOUT_ID = "rollout"
CACHE_SECONDS = 2.0


@dataclass(frozen=True)
class Flags:
    """The rollout flags; the defaults hold until an admin changes them."""

    dualWrite: bool = True
    readSource: ReadSource = "legacy"
    readAllowlist: tuple[str, ...] = ()
    readPercentage: int = 0
    updatedAt: datetime | None = None
    updatedBy: str | None = None

    def view(self) -> dict[str, Any]:
        """The JSON-ready representation (the stored field names)."""
        return {
            "dualWrite": self.dualWrite,
            "readSource": self.readSource,
            "readAllowlist": list(self.readAllowlist),
            "readPercentage": self.readPercentage,
            "updatedAt": self.updatedAt,
            "updatedBy": self.updatedBy,
        }


SETTABLE: tuple[str, ...] = ("dualWrite", "readSource", "readAllowlist", "readPercentage")

flags_cache: TimedCache[str, Flags] = TimedCache(CACHE_SECONDS)
"""The flags as last read, per database (tests use one per test)."""


def _collection() -> AsyncCollection[MongoDocument]:
    collection: AsyncCollection[MongoDocument] = User.get_pymongo_collection().database[
        FEATURE_FLAGS
    ]
    return collection


def flags_from_document(raw: Mapping[str, Any]) -> Flags:
    """The flags a stored document holds; a missing or unusable value is its default."""
    source = raw.get("readSource")
    percentage = raw.get("readPercentage")
    allowlist = raw.get("readAllowlist")
    updated_at = raw.get("updatedAt")
    updated_by = raw.get("updatedBy")
    return Flags(
        dualWrite=raw["dualWrite"] if isinstance(raw.get("dualWrite"), bool) else True,
        readSource="profiles" if source == "profiles" else "legacy",
        readAllowlist=tuple(str(a) for a in allowlist) if isinstance(allowlist, list) else (),
        readPercentage=(
            int(percentage)
            if isinstance(percentage, int | float)
            and not isinstance(percentage, bool)
            and 0 <= percentage <= 100
            else 0
        ),
        updatedAt=updated_at if isinstance(updated_at, datetime) else None,
        updatedBy=updated_by if isinstance(updated_by, str) else None,
    )


async def _load() -> Flags:
    collection = _collection()
    flags = flags_from_document(await collection.find_one({"_id": ROLLOUT_ID}) or {})
    flags_cache.put(collection.database.name, flags)
    return flags


async def get_flags() -> Flags:
    """The current flags, at most `CACHE_SECONDS` old in this process.

    A change made by another process (or directly in the database) takes effect here
    within that time; `set_flags` takes effect in its own process at once.
    """
    cached = flags_cache.get(_collection().database.name)
    return cached if cached is not None else await _load()


def _check_patch(patch: Mapping[str, Any]) -> None:
    errors: list[dict[str, str]] = []
    for key, value in patch.items():
        if key not in SETTABLE:
            errors.append({"field": key, "message": f"`{key}` is not a rollout flag"})
        elif value is None:
            continue
        elif key == "dualWrite" and not isinstance(value, bool):
            errors.append({"field": key, "message": "must be true or false"})
        elif key == "readSource" and value not in READ_SOURCES:
            errors.append({"field": key, "message": "must be `legacy` or `profiles`"})
        elif key == "readAllowlist" and not (
            isinstance(value, list | tuple) and all(isinstance(a, str) for a in value)
        ):
            errors.append({"field": key, "message": "must be a list of authIds"})
        elif key == "readPercentage" and not (
            isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 100
        ):
            errors.append({"field": key, "message": "must be an integer from 0 to 100"})
    if errors:
        raise InvalidInput(
            "invalid rollout flags: " + ", ".join(e["field"] for e in errors),
            extra={"errors": errors},
        )


def _check_combination(current: Flags, patch: Mapping[str, Any]) -> None:
    """Refuse flags under which a write would not show: dual write off while some reads
    still come from the legacy fields (which then stop changing)."""
    defaults = Flags()
    merged = {
        key: getattr(defaults, key) if patch[key] is None else patch[key]
        for key in SETTABLE
        if key in patch
    }
    dual_write = merged.get("dualWrite", current.dualWrite)
    source = merged.get("readSource", current.readSource)
    percentage = merged.get("readPercentage", current.readPercentage)
    if not dual_write and source == "legacy" and percentage < 100:
        raise InvalidInput(
            "dual write can be off only while every read comes from the profiles"
            " (`readSource: profiles`, or `readPercentage: 100`): the legacy fields would"
            " stop changing while reads still return them",
            extra={"errors": [{"field": "dualWrite", "message": "reads still use legacy"}]},
        )


async def set_flags(caller: Caller, patch: Mapping[str, Any]) -> Flags:
    """Apply a JSON merge patch to the flags (admins only, else `Forbidden`) and return
    them as stored. `null` puts a flag back to its default; absent flags stay.

    The change takes effect at once in this process (`_load` caches what it stored) and
    within `CACHE_SECONDS` in the others. An empty patch writes nothing.
    """
    if not caller.is_admin:
        raise Forbidden("only admins may change the rollout flags")
    _check_patch(patch)
    _check_combination(await _load(), patch)
    if patch:
        sets: dict[str, Any] = {"updatedAt": utc_now(), "updatedBy": caller.auth_id}
        unsets: dict[str, Any] = {}
        for key, value in patch.items():
            if value is None:
                unsets[key] = ""
            elif key == "readAllowlist":
                sets[key] = list(dict.fromkeys(value))
            else:
                sets[key] = value
        update: dict[str, Any] = {"$set": sets}
        if unsets:
            update["$unset"] = unsets
        await _collection().update_one({"_id": ROLLOUT_ID}, update, upsert=True)
    return await _load()


async def get_flags_for_admin(caller: Caller) -> Flags:
    """The flags as stored now (not the cached copy), for admins; `Forbidden` for others."""
    if not caller.is_admin:
        raise Forbidden("only admins may read the rollout flags")
    return await _load()


def rollout_bucket(auth_id: str) -> int:
    """A stable bucket 0-99 for a user: the same in every process and every release
    (sha256 of the authId, not Python's salted `hash`)."""
    return int.from_bytes(hashlib.sha256(auth_id.encode()).digest()[:4], "big") % 100


def read_source_for(flags: Flags, auth_id: str) -> ReadSource:
    """Where this user's reads come from: `profiles` when the read source is `profiles`,
    when the user is on the allowlist, or when their bucket is below `readPercentage`;
    `legacy` otherwise. Raising the percentage only ever moves users to `profiles`."""
    if flags.readSource == "profiles" or auth_id in flags.readAllowlist:
        return "profiles"
    return "profiles" if rollout_bucket(auth_id) < flags.readPercentage else "legacy"

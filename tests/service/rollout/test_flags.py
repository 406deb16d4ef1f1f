"""Rollout flags: who reads from where, defaults, and the 2-second cache."""

import pytest

from documents.collections import FEATURE_FLAGS
from service.platform.caller import Caller
from service.platform.db import Database
from service.platform.errors import Forbidden, InvalidInput
from service.rollout import flags as flags_module
from service.rollout.flags import (
    ROLLOUT_ID,
    Flags,
    flags_from_document,
    get_flags,
    read_source_for,
    rollout_bucket,
    set_flags,
)

ADMIN = Caller("root", frozenset({"admin"}))
SUBJECTS = [f"user-{n}" for n in range(5000)]


def test_buckets_are_pinned_so_a_user_stays_on_one_side_across_releases() -> None:
    # sha256 of the authId, not Python's per-process salted hash: fixed values
    assert [rollout_bucket(s) for s in ("user_892fd23f0824128b2f33", "kira")] == [27, 12]
    assert all(0 <= rollout_bucket(s) < 100 for s in SUBJECTS)


@pytest.mark.parametrize("percentage", [0, 10, 50, 90, 100])
def test_the_share_reading_profiles_follows_the_percentage(percentage: int) -> None:
    rollout = Flags(readPercentage=percentage)
    share = sum(read_source_for(rollout, s) == "profiles" for s in SUBJECTS) / len(SUBJECTS)
    assert abs(share - percentage / 100) < 0.03


def test_raising_the_percentage_only_moves_users_to_profiles() -> None:
    at_20 = {s for s in SUBJECTS if read_source_for(Flags(readPercentage=20), s) == "profiles"}
    at_40 = {s for s in SUBJECTS if read_source_for(Flags(readPercentage=40), s) == "profiles"}
    assert at_20 < at_40


def test_the_allowlist_and_the_read_source_override_the_percentage() -> None:
    assert read_source_for(Flags(), "kira") == "legacy"
    assert read_source_for(Flags(readAllowlist=("kira",)), "kira") == "profiles"
    assert read_source_for(Flags(readAllowlist=("kira",)), "other") == "legacy"
    assert read_source_for(Flags(readSource="profiles"), "kira") == "profiles"


def test_a_missing_or_unusable_stored_value_is_its_default() -> None:
    assert flags_from_document({}) == Flags()
    odd = {"dualWrite": "no", "readSource": "both", "readAllowlist": "a", "readPercentage": 250}
    assert flags_from_document(odd) == Flags()
    assert flags_from_document({"readPercentage": 12.0, "readAllowlist": ["a", 1]}) == Flags(
        readPercentage=12, readAllowlist=("a", "1")
    )


async def test_flags_are_cached_and_set_flags_clears_the_cache(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    collection = database.database[FEATURE_FLAGS]
    assert (await get_flags()).dualWrite is True
    # another process changes them: this one keeps its copy for the cache time
    await collection.update_one(
        {"_id": ROLLOUT_ID}, {"$set": {"dualWrite": False, "readSource": "profiles"}}, upsert=True
    )
    assert (await get_flags()).dualWrite is True
    changed = await set_flags(ADMIN, {"readPercentage": 30})
    assert (changed.dualWrite, changed.readPercentage) == (False, 30)
    assert (await get_flags()).readPercentage == 30

    monkeypatch.setattr(flags_module.flags_cache, "seconds", 0.0)
    await collection.update_one({"_id": ROLLOUT_ID}, {"$set": {"readPercentage": 70}})
    assert (await get_flags()).readPercentage == 70


async def test_only_admins_set_valid_flags(database: Database) -> None:
    with pytest.raises(Forbidden):
        await set_flags(Caller("someone"), {"dualWrite": False})
    with pytest.raises(InvalidInput) as refused:
        await set_flags(ADMIN, {"readPercentage": 101, "colour": "red"})
    assert [e["field"] for e in refused.value.extra["errors"]] == ["readPercentage", "colour"]
    assert await database.database[FEATURE_FLAGS].count_documents({}) == 0

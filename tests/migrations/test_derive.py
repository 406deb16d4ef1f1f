"""`profiles migrate derive`: only profiles derived with other rules are derived again,
online, and never over a write that came in between."""

from typing import Any

import pytest
from bson import ObjectId
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from documents.derived.rules import RULES_DIGEST
from migrations import derive
from migrations.counts import counts_by
from migrations.derive import derive_stale
from migrations.verify import find_count_drift, find_mismatches, recount
from service.me.onboarding import complete_onboarding
from service.platform.caller import Caller
from service.platform.config import Settings
from service.platform.db import Database, MongoDocument
from service.profiles.kinds import kind_of
from service.profiles.reads import load_profile
from service.profiles.updates import patch_in_transaction
from tests.migrations.test_dirty_legacy_data import legacy_user, migrate


async def _dancers(count: int) -> list[str]:
    ids = []
    for number in range(count):
        made = await complete_onboarding(
            Caller(f"derived-{number}"), "dancer", None, f"Dee {number}", {"bio": "Tap"}
        )
        ids.append(str(made.view["id"]))
    return ids


async def test_service_writes_stamp_the_rules_and_derive_redoes_only_other_stamps(
    database: Database, raw_client: AsyncMongoClient[MongoDocument], settings: Settings
) -> None:
    db = raw_client[settings.db_name]
    ids = [ObjectId(i) for i in await _dancers(5)]
    assert await db.dancers.count_documents({"derivedWith": RULES_DIGEST}) == 5
    assert (await derive_stale(db))["derived"] == 0  # nothing to do

    stale = ids[:2]  # derived by an older release, and wrongly by today's rules
    await db.dancers.update_many(
        {"_id": {"$in": stale}},
        {"$set": {"derivedWith": "older", "completeness": 3, "rankKey": "x"}},
    )
    await db.dancers.update_one({"_id": ids[2]}, {"$unset": {"derivedWith": ""}})
    before = {d["_id"]: d async for d in db.dancers.find({"_id": {"$in": ids[3:]}})}

    stats = await derive_stale(db, batch_size=2)
    assert stats["derived"] == 3
    for document in await db.dancers.find({"_id": {"$in": ids[:3]}}).to_list():
        fresh = await db.dancers.find_one({"_id": ids[4]})
        assert fresh is not None
        assert document["derivedWith"] == RULES_DIGEST
        assert document["completeness"] == fresh["completeness"]  # same fields, same score
        assert document["rankKey"] != "x" and document["version"] == 1  # If-Match holds
    after = {d["_id"]: d async for d in db.dancers.find({"_id": {"$in": ids[3:]}})}
    assert after == before  # current ones untouched


async def test_a_write_between_the_read_and_the_derive_wins(
    database: Database,
    raw_client: AsyncMongoClient[MongoDocument],
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Forced interleaving: the service changes a profile after the step read it (while
    it counts the records); the step's write of that profile does not happen, the
    service's stays, and the profile is current (the service derived it)."""
    db = raw_client[settings.db_name]
    (profile_id,) = await _dancers(1)
    await db.dancers.update_one({}, {"$set": {"derivedWith": "older"}})
    written: list[bool] = []

    async def a_write_first(*args: Any, **kwargs: Any) -> Any:
        if not written:
            written.append(True)
            kind = kind_of("dancer")
            profile = await load_profile(kind, profile_id)
            await patch_in_transaction(kind, profile, {"bio": "Tap and jazz, written live"})
        return await counts_by(*args, **kwargs)

    monkeypatch.setattr(derive, "counts_by", a_write_first)
    stats = await derive_stale(db)

    assert written and stats["derived"] == 0 and stats["written meanwhile"] == 1
    stored = await db.dancers.find_one({"_id": ObjectId(profile_id)})
    assert stored is not None
    assert stored["bio"] == "Tap and jazz, written live" and stored["version"] == 2
    assert stored["derivedWith"] == RULES_DIGEST


async def test_record_counts_are_kept_by_derive_and_drift_is_found_and_recounted(
    legacy_db: AsyncDatabase[MongoDocument],
) -> None:
    """`derive` stores each profile's record counts with its derived fields; a record
    written around the service shows in `find_count_drift` (not a mismatch), and a
    recount brings the counts back."""
    user = legacy_user(profileType="dancer", displayName="Counted")
    await legacy_db.projects.insert_many([{"userId": user["_id"], "title": t} for t in "ab"])
    await migrate(legacy_db, [user])
    profile = await legacy_db.dancers.find_one({"userId": user["_id"]})
    assert profile is not None
    assert (profile["projectCount"], profile["trainingCount"]) == (2, 0)
    assert await find_count_drift(legacy_db) == []

    await legacy_db.training.insert_one(
        {"userId": user["_id"], "profileId": profile["_id"], "name": "around the service"}
    )
    drift = await find_count_drift(legacy_db)
    assert [(d.kept, d.counted) for d in drift] == [((2, 0), (2, 1))]
    assert await find_mismatches(legacy_db) == []  # never a reason for 0005 to refuse
    await recount(legacy_db, drift)
    await derive_stale(legacy_db)
    assert await find_count_drift(legacy_db) == []
    again = await legacy_db.dancers.find_one({"_id": profile["_id"]})
    assert again is not None and again["trainingCount"] == 1

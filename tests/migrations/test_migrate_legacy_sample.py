"""The whole migration on the legacy sample: up, verify, re-run, down --to 0."""

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from migrations.runner import Runner, RunOptions
from migrations.values import same_value
from migrations.verify import find_mismatches
from service.platform.db import MongoDocument
from tests.factories.legacy import load_legacy, snapshot

LEGACY_USER_ADDITIONS = {"activeProfileType", "activeDancerId", "activeChoreographerId"}


def quiet() -> RunOptions:
    return RunOptions(batch_size=64, say=lambda line: None)


def assert_same_documents(
    before: dict[Any, MongoDocument], after: dict[Any, MongoDocument]
) -> None:
    assert before.keys() == after.keys()
    for key, document in before.items():
        assert set(document) == set(after[key]), key
        for field, value in document.items():
            assert same_value(value, after[key][field]) and type(value) is type(
                after[key][field]
            ), (
                key,
                field,
            )


async def test_up_verify_rerun_and_down_restore_everything(
    legacy_db: AsyncDatabase[MongoDocument],
) -> None:
    db = legacy_db
    await load_legacy(db)
    before = {name: await snapshot(db, name) for name in ("users", "projects", "training")}
    runner = Runner(db)

    expected = await runner.pending()
    applied = await runner.up(quiet())
    assert [s["version"] for s in applied] == expected
    assert [s["status"] for s in applied] == ["applied"] * len(expected)
    assert 5 not in expected  # destructive: left pending, later scripts run
    assert await runner.pending() == []
    assert await runner.pending(include_destructive=True) == [5]

    users = await snapshot(db, "users")
    for user in before["users"].values():
        now = users[user["_id"]]
        assert set(now) - set(user) <= LEGACY_USER_ADDITIONS
        for field, value in user.items():
            assert same_value(value, now[field]), (user["_id"], field)
        kind = (user.get("profileType") or "").strip().lower()
        if kind in ("dancer", "choreographer"):
            profile = await db[f"{kind}s"].find_one({"userId": user["_id"]})
            assert profile is not None
            assert profile["isPrimary"] and profile["isActive"]
            assert now["activeProfileType"] == kind
            ref = "activeDancerId" if kind == "dancer" else "activeChoreographerId"
            assert now[ref] == profile["_id"]
            assert profile["listed"] is (user["onboardingComplete"] is True)
        else:
            assert "activeProfileType" not in now
    assert await db.dancers.count_documents({}) == 228
    assert await db.choreographers.count_documents({}) == 34
    migrated = {p["userId"]: p["_id"] async for p in db.dancers.find({})} | {
        p["userId"]: p["_id"] async for p in db.choreographers.find({})
    }
    for name in ("projects", "training"):
        async for record in db[name].find({}):
            if record["userId"] in migrated:
                assert record["profileId"] == migrated[record["userId"]]
    assert await db.migration_issues.count_documents({"rule": "profile-type-unrecognised"}) == 0
    assert await db.migration_issues.count_documents({"rule": "field-not-for-type"}) > 0

    assert await find_mismatches(db) == []

    profiles_before_rerun = await snapshot(db, "dancers")
    assert await runner.up(quiet()) == []
    assert await snapshot(db, "dancers") == profiles_before_rerun

    await runner.down(RunOptions(to=0, say=lambda line: None))
    for name, documents in before.items():
        assert_same_documents(documents, await snapshot(db, name))
    assert await db.dancers.count_documents({}) == 0
    assert await db.choreographers.count_documents({}) == 0
    assert await db.migration_issues.count_documents({}) == 0
    assert await db.migration_state.count_documents({}) == 0

"""Migration 0009 gave issue records and legacy backups a retention (TTL indexes); 0011
takes it back (they may hold the only copy of a value), and `profiles migrate prune`
deletes old ones when an operator says so."""

from datetime import timedelta
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from migrations.errors import MigrationError
from migrations.lock import now
from migrations.prune import prune
from migrations.runner import Runner, RunOptions
from service.platform.db import MongoDocument

DAY = 86_400


async def ttl_indexes(db: AsyncDatabase[MongoDocument]) -> dict[tuple[str, str], Any]:
    found: dict[tuple[str, str], Any] = {}
    for collection in ("migration_issues", "legacy_user_backup"):
        if collection not in await db.list_collection_names():
            continue
        async for info in await db[collection].list_indexes():
            if "expireAfterSeconds" in info:
                found[(collection, next(iter(info["key"])))] = info["expireAfterSeconds"]
    return found


def quiet(to: int | None = 9) -> RunOptions:
    return RunOptions(say=lambda line: None, to=to)


async def test_up_creates_ttl_indexes_with_the_default_retention(
    legacy_db: AsyncDatabase[MongoDocument], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PROFILES_RETENTION_DAYS", raising=False)

    await Runner(legacy_db).up(quiet())

    assert await ttl_indexes(legacy_db) == {
        ("migration_issues", "recordedAt"): 90 * DAY,
        ("legacy_user_backup", "backedUpAt"): 90 * DAY,
    }


async def test_retention_comes_from_the_setting_and_down_drops_the_indexes(
    legacy_db: AsyncDatabase[MongoDocument], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROFILES_RETENTION_DAYS", "7")
    await Runner(legacy_db).up(quiet(8))
    await legacy_db.migration_issues.insert_one({"userId": 1, "field": "f", "rule": "r"})
    await legacy_db.legacy_user_backup.insert_one({"_id": 1, "fields": {}})

    await Runner(legacy_db).up(quiet())

    assert await ttl_indexes(legacy_db) == {
        ("migration_issues", "recordedAt"): 7 * DAY,
        ("legacy_user_backup", "backedUpAt"): 7 * DAY,
    }
    issue = await legacy_db.migration_issues.find_one({"userId": 1})
    backup = await legacy_db.legacy_user_backup.find_one({"_id": 1})
    assert issue is not None and "recordedAt" in issue  # undated records get a date
    assert backup is not None and "backedUpAt" in backup

    await Runner(legacy_db).down(RunOptions(say=lambda line: None, to=8))

    assert await ttl_indexes(legacy_db) == {}


async def test_a_bad_retention_is_a_clear_error(
    legacy_db: AsyncDatabase[MongoDocument], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROFILES_RETENTION_DAYS", "forever")

    with pytest.raises(MigrationError, match="PROFILES_RETENTION_DAYS"):
        await Runner(legacy_db).up(quiet())


async def test_an_existing_ttl_index_gets_the_configured_expiry(
    legacy_db: AsyncDatabase[MongoDocument], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROFILES_RETENTION_DAYS", "30")
    await legacy_db.migration_issues.create_index(
        "recordedAt", name="recordedAt_ttl", expireAfterSeconds=DAY
    )

    await Runner(legacy_db).up(quiet())

    assert (await ttl_indexes(legacy_db))[("migration_issues", "recordedAt")] == 30 * DAY


async def test_0011_drops_the_ttl_indexes_and_down_puts_them_back(
    legacy_db: AsyncDatabase[MongoDocument], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROFILES_RETENTION_DAYS", "7")
    await Runner(legacy_db).up(quiet(None))
    assert await ttl_indexes(legacy_db) == {}  # nothing holding the only copy expires

    await Runner(legacy_db).down(quiet(10))
    assert await ttl_indexes(legacy_db) == {
        ("migration_issues", "recordedAt"): 7 * DAY,
        ("legacy_user_backup", "backedUpAt"): 7 * DAY,
    }


async def test_prune_says_what_it_deletes_and_deletes_only_with_yes(
    legacy_db: AsyncDatabase[MongoDocument],
) -> None:
    old, recent = now() - timedelta(days=40), now() - timedelta(days=2)
    await legacy_db.users.insert_many([{"_id": n, "bio": "still here"} for n in range(3)])
    await legacy_db.migration_issues.insert_many(
        [
            {"userId": n, "field": "bio", "rule": "r", "recordedAt": when}
            for n, when in enumerate([old, old, recent])
        ]
    )
    await legacy_db.legacy_user_backup.insert_many(
        [{"_id": 1, "backedUpAt": old}, {"_id": 2, "backedUpAt": recent}]
    )
    counted = await prune(legacy_db, 30, delete=False)
    assert counted.deleted == {"migration_issues": 2, "legacy_user_backup": 1}
    assert await legacy_db.migration_issues.count_documents({}) == 3
    assert (await prune(legacy_db, 30, delete=True)).deleted == counted.deleted
    assert await legacy_db.migration_issues.count_documents({}) == 1
    assert await legacy_db.legacy_user_backup.count_documents({}) == 1


async def test_prune_keeps_the_only_copy_of_a_value_unless_told_so(
    legacy_db: AsyncDatabase[MongoDocument],
) -> None:
    """After 0005 removed the legacy fields, an old issue record is the last copy of its
    value unless a backup younger than the cutoff holds the field too."""
    old, recent = now() - timedelta(days=40), now() - timedelta(days=2)
    await legacy_db.users.insert_many([{"_id": n, "authId": f"a{n}"} for n in range(3)])
    await legacy_db.legacy_user_backup.insert_many(
        [
            {"_id": 0, "backedUpAt": old, "fields": {"bio": 1}},
            {"_id": 1, "backedUpAt": recent, "fields": {"attributes": {"height": "tall"}}},
        ]
    )
    await legacy_db.migration_issues.insert_many(
        [
            {"userId": 0, "field": "bio", "rule": "r", "recordedAt": old, "raw": 1},
            {"userId": 1, "field": "attributes.height", "rule": "r", "recordedAt": old},
            {"userId": 2, "field": "bio", "rule": "r", "recordedAt": old},
            {"userId": None, "field": "projects.x.userId", "rule": "r", "recordedAt": old},
        ]
    )
    pruned = await prune(legacy_db, 30, delete=True)
    assert pruned.only_copies == {"migration_issues": 2}  # users 0 and 2
    left = {i["userId"] async for i in legacy_db.migration_issues.find({})}
    assert left == {0, 2}
    assert await legacy_db.legacy_user_backup.count_documents({}) == 1  # the recent one

    forced = await prune(legacy_db, 30, delete=True, only_copies=True)
    assert forced.deleted["migration_issues"] == 2
    assert await legacy_db.migration_issues.count_documents({}) == 0

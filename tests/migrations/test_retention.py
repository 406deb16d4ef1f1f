"""Migration 0009: issue records and legacy backups expire after the retention."""

from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from migrations.errors import MigrationError
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


def quiet() -> RunOptions:
    return RunOptions(say=lambda line: None)


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
    await Runner(legacy_db).up(RunOptions(say=lambda line: None, to=8))
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

"""Dual write and the read path on the migrated legacy sample (dirty values included)."""

from datetime import datetime
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from documents.legacy.fields import PROFILE_FIELDS
from migrations.runner import Runner, RunOptions
from migrations.verify import find_mismatches
from service.platform.config import Settings
from service.platform.db import MongoDocument
from tests.factories.legacy import read_sample
from tests.helpers import Client, auth
from tests.service.rollout.dual_write_helpers import set_flags


@pytest.fixture
async def migrated(
    raw_client: AsyncMongoClient[MongoDocument], settings: Settings
) -> list[MongoDocument]:
    """The legacy sample's users, migrated (the backfill scripts run again on them)."""
    db = raw_client[settings.db_name]
    users = read_sample("users")
    await db.users.insert_many([dict(user) for user in users])
    await db.migration_state.delete_many({"_id": {"$in": [2, 3, 4]}})
    await Runner(db).up(RunOptions(say=lambda line: None))
    assert await find_mismatches(db) == []
    return users


def _dancer_with_unknown_keys(users: list[MongoDocument]) -> MongoDocument:
    return next(
        u
        for u in users
        if str(u.get("profileType")).strip().lower() == "dancer"
        and u.get("onboardingComplete")
        and u.get("legacyFlags")
    )


async def test_api_writes_on_migrated_users_keep_verify_at_zero(
    client: Client,
    raw_client: AsyncMongoClient[MongoDocument],
    settings: Settings,
    migrated: list[MongoDocument],
) -> None:
    db = raw_client[settings.db_name]
    legacy = _dancer_with_unknown_keys(migrated)
    sub = legacy["authId"]
    profile = (await client.get("/v1/me/profiles/active", headers=auth(sub))).json()
    writes: list[dict[str, Any]] = [
        {"displayName": "Renamed Dancer", "bio": "New bio"},
        {"workLocation": ["Lisbon", "Porto"], "attributes": {"hairColor": "blue"}},
        {"headshots": [{"storageId": "n1", "url": "https://cdn.example.test/n1.jpg"}]},
        {"representationStatus": "seeking", "sizing": {"shoe": 8}},
    ]
    for body in writes:
        response = await client.patch(f"/v1/dancers/{profile['id']}", json=body, headers=auth(sub))
        assert response.status_code == 200, response.text
        assert [m.describe() for m in await find_mismatches(db)] == []

    user = await db.users.find_one({"_id": legacy["_id"]})
    assert user is not None
    assert user["searchPattern"] == "renamed dancer lisbon porto"
    written = {*PROFILE_FIELDS["dancer"], "searchPattern", "updatedAt"}
    for key in set(legacy) - written:  # account data, `profileType` and unknown keys
        stored = user[key]
        if isinstance(stored, datetime):
            stored = stored.replace(tzinfo=None)
        assert stored == legacy[key] and type(stored) is type(legacy[key]), key


async def test_legacy_and_profile_reads_agree_on_every_migrated_user(
    client: Client, migrated: list[MongoDocument]
) -> None:
    subjects = [u["authId"] for u in migrated]
    legacy_views = {sub: (await client.get("/v1/me", headers=auth(sub))) for sub in subjects}
    await set_flags(client, readSource="profiles")
    compared = 0
    for sub, legacy_view in legacy_views.items():
        profile_view = await client.get("/v1/me", headers=auth(sub))
        assert legacy_view.status_code == profile_view.status_code
        if legacy_view.status_code == 200 and legacy_view.json()["activeProfile"]:
            compared += 1
            assert legacy_view.json() == profile_view.json(), sub
    assert compared > 200

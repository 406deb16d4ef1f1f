"""Dual write keeps legacy and profiles equal; rollout flags flip the read path."""

from datetime import datetime
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from migrations.legacy_mapping import PROFILE_FIELDS
from migrations.runner import Runner, RunOptions
from migrations.verify import find_mismatches
from service.config import Settings
from service.db import MongoDocument
from service.flags import Rollout, read_source_for, rollout_bucket
from tests.helpers import Client, auth
from tests.migrations.legacy_data import read_sample

ADMIN = auth("root", admin=True)


@pytest.fixture
async def migrated(
    raw_client: AsyncMongoClient[MongoDocument], settings: Settings
) -> list[MongoDocument]:
    """The legacy sample's users, migrated (the backfill scripts run again on them)."""
    db = raw_client[settings.db_name]
    users = read_sample("users")
    await db.users.insert_many(users)
    await db.migration_state.delete_many({"_id": {"$in": [2, 3, 4]}})
    await Runner(db).up(RunOptions(say=lambda line: None))
    assert await find_mismatches(db) == []
    return users


def _legacy(users: list[MongoDocument], kind: str) -> MongoDocument:
    """An onboarded legacy user of `kind`, one with unknown legacy keys if there is one."""
    candidates = [u for u in users if u.get("profileType") == kind and u.get("onboardingComplete")]
    return next((u for u in candidates if u.get("legacyFlags")), candidates[0])


async def test_api_writes_keep_verify_at_zero(
    client: Client,
    raw_client: AsyncMongoClient[MongoDocument],
    settings: Settings,
    migrated: list[MongoDocument],
) -> None:
    db = raw_client[settings.db_name]
    dancer_user = _legacy(migrated, "dancer")
    sub = dancer_user["authId"]
    profile = (await client.get("/v1/me/profiles/active", headers=auth(sub))).json()
    path = f"/v1/dancers/{profile['id']}"
    writes: list[dict[str, Any]] = [
        {"displayName": "Renamed Dancer", "bio": "New bio"},
        {"workLocation": ["Lisbon", "Porto"], "attributes": {"hairColor": "blue"}},
        {
            "headshots": [
                {"storageId": "n1", "url": "https://cdn.example.test/n1.jpg", "position": 4},
                {"storageId": "n2", "url": "https://cdn.example.test/n2.jpg", "position": 1},
            ]
        },
        {"representationStatus": "seeking", "sizing": {"shoe": 8}},
    ]
    for body in writes:
        response = await client.patch(path, json=body, headers=auth(sub))
        assert response.status_code == 200, response.text
        assert await find_mismatches(db) == []
    me = await client.patch("/v1/me", json={"activeProfile": {"bio": "via me"}}, headers=auth(sub))
    assert me.status_code == 200
    second = await client.post(
        "/v1/me/profiles", json={"profileType": "choreographer", "bio": "second"}, headers=auth(sub)
    )
    assert second.status_code == 201
    await client.patch(
        f"/v1/choreographers/{second.json()['id']}", json={"bio": "only here"}, headers=auth(sub)
    )
    await client.put(
        "/v1/me/profiles/active", json={"profileType": "choreographer"}, headers=auth(sub)
    )
    assert await find_mismatches(db) == []

    user = await db.users.find_one({"_id": dancer_user["_id"]})
    assert user is not None
    assert user["bio"] == "via me" and user["workLocation"] == ["Lisbon", "Porto"]
    assert user["searchPattern"] == "renamed dancer lisbon porto"
    assert [h["storageId"] for h in user["headshots"]] == ["n1", "n2"]
    assert isinstance(user["_creationTime"], float)
    written_by_dual_write = {*PROFILE_FIELDS["dancer"], "searchPattern", "updatedAt"}
    for key in set(dancer_user) - written_by_dual_write:  # account data and unknown keys
        stored = user[key]
        if isinstance(stored, datetime):
            stored = stored.replace(tzinfo=None)
        assert stored == dancer_user[key] and type(stored) is type(dancer_user[key]), key


async def test_new_accounts_are_dual_written_too(
    client: Client, raw_client: AsyncMongoClient[MongoDocument], settings: Settings
) -> None:
    await client.post(
        "/v1/me/onboarding",
        json={"profileType": "choreographer", "companyName": "New Co", "fullName": "N"},
        headers=auth("newbie"),
    )
    user = await raw_client[settings.db_name].users.find_one({"authId": "newbie"})
    assert user is not None
    assert (user["profileType"], user["companyName"]) == ("choreographer", "New Co")
    assert await find_mismatches(raw_client[settings.db_name]) == []


async def test_with_dual_write_off_the_user_document_is_untouched(
    client: Client,
    raw_client: AsyncMongoClient[MongoDocument],
    settings: Settings,
    migrated: list[MongoDocument],
) -> None:
    off = await client.patch("/v1/admin/flags", json={"dualWrite": False}, headers=ADMIN)
    assert off.status_code == 200 and off.json()["dualWrite"] is False
    user = _legacy(migrated, "dancer")
    before = await raw_client[settings.db_name].users.find_one({"_id": user["_id"]})
    profile = (await client.get("/v1/me/profiles/active", headers=auth(user["authId"]))).json()
    response = await client.patch(
        f"/v1/dancers/{profile['id']}", json={"bio": "profiles only"}, headers=auth(user["authId"])
    )
    assert response.status_code == 200
    assert await raw_client[settings.db_name].users.find_one({"_id": user["_id"]}) == before


async def test_flags_flip_the_read_path_for_an_allowlisted_user_only(
    client: Client,
    raw_client: AsyncMongoClient[MongoDocument],
    settings: Settings,
    migrated: list[MongoDocument],
) -> None:
    db = raw_client[settings.db_name]
    dancers = [u for u in migrated if u.get("profileType") == "dancer"][:2]
    for user in dancers:  # an older release writes the legacy field directly
        await db.users.update_one({"_id": user["_id"]}, {"$set": {"bio": "legacy bio"}})
    reader, early = (u["authId"] for u in dancers)
    assert (await client.get("/v1/admin/flags", headers=auth(reader))).status_code == 403
    assert (
        await client.patch("/v1/admin/flags", json={"readPercentage": 100}, headers=auth(reader))
    ).status_code == 403
    flags = await client.patch("/v1/admin/flags", json={"readAllowlist": [early]}, headers=ADMIN)
    assert flags.json()["readAllowlist"] == [early]

    async def bio(sub: str) -> Any:
        me = (await client.get("/v1/me", headers=auth(sub))).json()
        return me["activeProfile"]["bio"]

    assert await bio(reader) == "legacy bio"
    assert await bio(early) != "legacy bio"
    await client.patch("/v1/admin/flags", json={"readPercentage": 100}, headers=ADMIN)
    assert await bio(reader) != "legacy bio"


def test_read_source_is_stable_and_proportional() -> None:
    subjects = [f"user-{n}" for n in range(2000)]
    assert [rollout_bucket(s) for s in subjects] == [rollout_bucket(s) for s in subjects]
    half = Rollout(readPercentage=50)
    share = sum(read_source_for(half, s) == "profiles" for s in subjects) / len(subjects)
    assert 0.45 < share < 0.55
    assert read_source_for(Rollout(readPercentage=0), "x") == "legacy"
    assert read_source_for(Rollout(readSource="profiles"), "x") == "profiles"

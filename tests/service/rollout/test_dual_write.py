"""Dual write: API writes to the primary profile keep the legacy user fields equal to it,
in the same transaction, without disturbing anything else on the user."""

from typing import Any

import pytest
from pymongo import AsyncMongoClient
from pymongo.errors import OperationFailure

from documents.legacy.fields import PROFILE_FIELDS
from migrations.verify import find_mismatches
from service.platform.config import Settings
from service.platform.db import MongoDocument
from tests.helpers import Client, auth
from tests.service.rollout.dual_write_helpers import (
    active_profile,
    assert_legacy_mirrors_profile,
    insert_legacy_user,
    set_flags,
    stored_user,
)

HEADSHOTS = [
    {"storageId": "n1", "url": "https://cdn.example.test/n1.jpg", "position": 4},
    {"storageId": "n2", "url": "https://cdn.example.test/n2.jpg", "position": 1},
]
DANCER_PATCHES: list[dict[str, Any]] = [
    {"displayName": "Kira M", "bio": "New bio"},
    {"workLocation": ["Lisbon", "Porto"], "attributes": {"hairColor": "red", "ethnicity": ["x"]}},
    {"attributes": {"height": {"feet": 5, "inches": 7.5}, "birthYear": 1990}},
    {"headshots": HEADSHOTS},
    {"representationStatus": "represented", "representation": {"agencyName": "Go"}},
    {"sizing": {"shoe": 8.5, "shirt": "M"}, "sagAftraId": "SAG-1", "links": []},
    {"bio": None, "resume": {"skills": ["tap"], "danceStyles": ["k-pop"]}},
]


def _legacy_fields(user: MongoDocument) -> dict[str, Any]:
    names = {*PROFILE_FIELDS["dancer"], *PROFILE_FIELDS["choreographer"], "profileType"}
    return {key: value for key, value in user.items() if key in names or key == "searchPattern"}


async def test_api_writes_keep_legacy_fields_equal_to_the_primary_profile(
    client: Client, raw_client: AsyncMongoClient[MongoDocument], settings: Settings
) -> None:
    db = raw_client[settings.db_name]
    legacy = await insert_legacy_user(db, "kira")
    onboarded = await client.post(
        "/v1/me/onboarding",
        json={"profileType": "dancer", "workLocation": ["Berlin"], "bio": "fresh"},
        headers=auth("kira"),
    )
    assert onboarded.status_code == 201, onboarded.text
    user = await assert_legacy_mirrors_profile(db, legacy["_id"], "dancer")
    assert (user["bio"], user["workLocation"], user["headshots"]) == ("fresh", ["Berlin"], [])
    assert user["profileType"] == "Dancer "  # it already names the type: left as it was

    path = f"/v1/dancers/{onboarded.json()['id']}"
    for body in DANCER_PATCHES:
        response = await client.patch(path, json=body, headers=auth("kira"))
        assert response.status_code == 200, (body, response.text)
        user = await assert_legacy_mirrors_profile(db, legacy["_id"], "dancer")
    assert user["searchPattern"] == "kira m lisbon porto"
    assert [(h["storageId"], h["position"]) for h in user["headshots"]] == [("n1", 1), ("n2", 0)]
    assert user["attributes"]["height"] == {"feet": 5, "inches": 7.5}
    assert user["sizing"]["shoe"] == 8.5 and user["bio"] is None

    me = await client.patch(
        "/v1/me",
        json={"fullName": "Kira Martin-Ruiz", "activeProfile": {"bio": "via me"}},
        headers=auth("kira"),
    )
    assert me.status_code == 200, me.text
    user = await assert_legacy_mirrors_profile(db, legacy["_id"], "dancer")
    assert (user["bio"], user["fullName"]) == ("via me", "Kira Martin-Ruiz")
    assert user["updatedAt"] > legacy["updatedAt"]

    # the second profile has no legacy home: adding, editing and working in it leave the
    # legacy fields as the dancer profile wrote them
    mirrored = _legacy_fields(user)
    second = await client.post(
        "/v1/me/profiles",
        json={"profileType": "choreographer", "companyName": "Kira Co", "bio": "choreo"},
        headers=auth("kira"),
    )
    assert second.status_code == 201 and second.json()["isPrimary"] is False
    patched = await client.patch(
        f"/v1/choreographers/{second.json()['id']}",
        json={"bio": "only here", "workLocation": ["Paris"]},
        headers=auth("kira"),
    )
    assert patched.status_code == 200
    switched = await client.put(
        "/v1/me/profiles/active", json={"profileType": "choreographer"}, headers=auth("kira")
    )
    assert switched.status_code == 200 and switched.json()["isActive"] is True
    me = await client.patch(
        "/v1/me", json={"activeProfile": {"bio": "choreo via me"}}, headers=auth("kira")
    )
    assert me.json()["activeProfile"]["bio"] == "choreo via me"
    user = await assert_legacy_mirrors_profile(db, legacy["_id"], "dancer")
    assert _legacy_fields(user) == mirrored and "companyName" not in user

    # what is not a profile field survives, values and types exactly
    assert user["legacyFlags"] == legacy["legacyFlags"]
    assert type(user["legacyFlags"]["score"]) is int
    assert type(user["legacyFlags"]["ratio"]) is float
    assert user["_creationTime"] == legacy["_creationTime"]
    assert type(user["_creationTime"]) is float
    assert user["createdAt"] == legacy["createdAt"]


async def test_new_accounts_and_a_first_added_profile_are_dual_written(
    client: Client, raw_client: AsyncMongoClient[MongoDocument], settings: Settings
) -> None:
    db = raw_client[settings.db_name]
    await client.post(
        "/v1/me/onboarding",
        json={"profileType": "choreographer", "companyName": "The Lab", "fullName": "Gina I"},
        headers=auth("newbie"),
    )
    user = await db.users.find_one({"authId": "newbie"})
    assert user is not None
    user = await assert_legacy_mirrors_profile(db, user["_id"], "choreographer")
    assert (user["profileType"], user["companyName"]) == ("choreographer", "The Lab")
    assert user["searchPattern"] == "gina i the lab"

    # an account without a profile adds one: it is the primary one, so it is mirrored
    legacy = await insert_legacy_user(db, "returning")
    added = await client.post(
        "/v1/me/profiles",
        json={"profileType": "choreographer", "workLocation": ["Atlanta"]},
        headers=auth("returning"),
    )
    assert added.status_code == 201 and added.json()["isPrimary"] is True
    user = await assert_legacy_mirrors_profile(db, legacy["_id"], "choreographer")
    assert (user["profileType"], user["workLocation"]) == ("choreographer", ["Atlanta"])
    assert user["legacyFlags"] == legacy["legacyFlags"]


async def test_with_dual_write_off_profile_writes_leave_the_user_alone(
    client: Client, raw_client: AsyncMongoClient[MongoDocument], settings: Settings
) -> None:
    db = raw_client[settings.db_name]
    legacy = await insert_legacy_user(db, "kira")
    profile = (
        await client.post("/v1/me/onboarding", json={"profileType": "dancer"}, headers=auth("kira"))
    ).json()
    flags = await set_flags(client, readSource="profiles", dualWrite=False)
    assert flags["dualWrite"] is False
    before = await stored_user(db, legacy["_id"])
    for path, body in [
        (f"/v1/dancers/{profile['id']}", {"bio": "profiles only", "workLocation": ["Rome"]}),
        ("/v1/me", {"activeProfile": {"displayName": "Only In Profiles"}}),
    ]:
        response = await client.patch(path, json=body, headers=auth("kira"))
        assert response.status_code == 200, response.text
    assert (await active_profile(client, "kira"))["version"] == profile["version"] + 2
    assert await stored_user(db, legacy["_id"]) == before

    await client.post("/v1/me/onboarding", json={"profileType": "dancer"}, headers=auth("new"))
    new_user = await db.users.find_one({"authId": "new"})
    assert new_user is not None and "profileType" not in new_user and "bio" not in new_user


async def test_deleting_the_primary_profile_moves_the_legacy_copy_to_the_other(
    client: Client, raw_client: AsyncMongoClient[MongoDocument], settings: Settings
) -> None:
    db = raw_client[settings.db_name]
    legacy = await insert_legacy_user(db, "kira")
    dancer = (
        await client.post(
            "/v1/me/onboarding",
            json={"profileType": "dancer", "sizing": {"shoe": 9}, "sagAftraId": "S-1"},
            headers=auth("kira"),
        )
    ).json()
    choreographer = (
        await client.post(
            "/v1/me/profiles",
            json={"profileType": "choreographer", "companyName": "Kira Co", "bio": "choreo"},
            headers=auth("kira"),
        )
    ).json()
    deleted = await client.delete(f"/v1/dancers/{dancer['id']}", headers=auth("kira"))
    assert deleted.status_code == 204, deleted.text
    user = await assert_legacy_mirrors_profile(db, legacy["_id"], "choreographer")
    assert (user["profileType"], user["companyName"], user["bio"]) == (
        "choreographer",
        "Kira Co",
        "choreo",
    )
    assert not {"sizing", "sagAftraId", "attributes", "representation"} & set(user)

    deleted = await client.delete(f"/v1/choreographers/{choreographer['id']}", headers=auth("kira"))
    assert deleted.status_code == 204
    user = await stored_user(db, legacy["_id"])
    assert not {*PROFILE_FIELDS["choreographer"], "profileType", "searchPattern"} & set(user)
    assert user["legacyFlags"] == legacy["legacyFlags"] and user["authId"] == "kira"
    assert await find_mismatches(db) == []


async def test_a_failed_legacy_write_rolls_back_the_profile_write(
    client: Client, raw_client: AsyncMongoClient[MongoDocument], settings: Settings
) -> None:
    db = raw_client[settings.db_name]
    legacy = await insert_legacy_user(db, "kira")
    profile = (
        await client.post(
            "/v1/me/onboarding", json={"profileType": "dancer", "bio": "kept"}, headers=auth("kira")
        )
    ).json()
    before = await stored_user(db, legacy["_id"])
    # the profile's findAndModify passes; the next one, the legacy write, fails
    fail_updates = {
        "configureFailPoint": "failCommand",
        "mode": {"skip": 1},
        "data": {"failCommands": ["findAndModify"], "errorCode": 8},
    }
    try:
        await raw_client.admin.command(fail_updates)
    except OperationFailure:
        pytest.skip("the test server has no failCommand failpoint (test commands off)")
    try:
        response = await client.patch(
            f"/v1/dancers/{profile['id']}", json={"bio": "lost"}, headers=auth("kira")
        )
    finally:
        await raw_client.admin.command({"configureFailPoint": "failCommand", "mode": "off"})
    assert response.status_code == 500
    stored = await db.dancers.find_one({"_id": before["activeDancerId"]})
    assert stored is not None
    assert (stored["bio"], stored["version"]) == ("kept", profile["version"])
    assert await stored_user(db, legacy["_id"]) == before

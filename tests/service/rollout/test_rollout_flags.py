"""The rollout flags endpoints, and the read path they switch for `/v1/me`."""

from typing import Any

from pymongo import AsyncMongoClient

from service.platform.config import Settings
from service.platform.db import MongoDocument
from tests.helpers import Client, auth, onboard
from tests.service.rollout.dual_write_helpers import ADMIN, active_profile, set_flags

FLAGS = "/v1/admin/flags"


async def test_only_admins_read_and_change_the_flags(client: Client) -> None:
    for headers, status in [({}, 401), (auth("someone"), 403)]:
        read = await client.get(FLAGS, headers=headers)
        change = await client.patch(FLAGS, json={"readPercentage": 100}, headers=headers)
        assert (read.status_code, change.status_code) == (status, status)
        assert read.headers["content-type"].startswith("application/problem+json")
    defaults = await client.get(FLAGS, headers=ADMIN)
    assert defaults.status_code == 200
    assert defaults.json() == {
        "dualWrite": True,
        "readSource": "legacy",
        "readAllowlist": [],
        "readPercentage": 0,
        "updatedAt": None,
        "updatedBy": None,
    }


async def test_a_patch_merges_and_null_restores_the_default(
    client: Client, raw_client: AsyncMongoClient[MongoDocument], settings: Settings
) -> None:
    changed = await set_flags(client, readAllowlist=["a", "b", "a"], readPercentage=10)
    assert (changed["readAllowlist"], changed["readPercentage"]) == (["a", "b"], 10)
    assert changed["updatedBy"] == "root" and changed["updatedAt"] is not None
    changed = await set_flags(client, readPercentage=None, readSource="profiles", dualWrite=False)
    assert (changed["readAllowlist"], changed["readPercentage"], changed["dualWrite"]) == (
        ["a", "b"],
        0,
        False,
    )
    stored = await raw_client[settings.db_name].feature_flags.find_one({"_id": "rollout"})
    assert stored is not None and "readPercentage" not in stored
    assert (await client.get(FLAGS, headers=ADMIN)).json() == changed


async def test_invalid_flag_changes_are_refused(client: Client) -> None:
    for body, field in [
        ({"readPercentage": 101}, "readPercentage"),
        ({"readPercentage": "50"}, "readPercentage"),
        ({"readSource": "both"}, "readSource"),
        ({"dualWrite": "yes"}, "dualWrite"),
        ({"readAllowlist": "a,b"}, "readAllowlist"),
        ({"updatedBy": "me"}, "updatedBy"),
        ({"dualWrite": False}, "dualWrite"),  # reads still on legacy would go stale
        ({"dualWrite": False, "readPercentage": 99}, "dualWrite"),
    ]:
        response = await client.patch(FLAGS, json=body, headers=ADMIN)
        assert response.status_code == 422, body
        assert field in [error["field"] for error in response.json()["errors"]], response.text
    stored = (await client.get(FLAGS, headers=ADMIN)).json()
    assert (stored["readPercentage"], stored["dualWrite"]) == (0, True)


async def test_dual_write_goes_off_only_with_every_read_on_profiles(client: Client) -> None:
    assert (await client.patch(FLAGS, json={"readPercentage": 100}, headers=ADMIN)).is_success
    off = await client.patch(FLAGS, json={"dualWrite": False}, headers=ADMIN)
    assert off.status_code == 200 and off.json()["dualWrite"] is False
    back = await client.patch(FLAGS, json={"readPercentage": None}, headers=ADMIN)
    assert back.status_code == 422  # would send reads to legacy fields no longer written
    assert (await client.get(FLAGS, headers=ADMIN)).json()["readPercentage"] == 100


async def _write_as_old_release(
    raw_client: AsyncMongoClient[MongoDocument], settings: Settings, sub: str, **fields: Any
) -> None:
    await raw_client[settings.db_name].users.update_one({"authId": sub}, {"$set": fields})


async def _me(client: Client, sub: str) -> dict[str, Any]:
    response = await client.get("/v1/me", headers=auth(sub))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_the_allowlist_and_the_percentage_flip_the_read_path(
    client: Client, raw_client: AsyncMongoClient[MongoDocument], settings: Settings
) -> None:
    profiles = {sub: await onboard(client, sub, bio="profile bio") for sub in ("reader", "early")}
    for sub in profiles:  # an older release writes the legacy fields directly
        await _write_as_old_release(raw_client, settings, sub, bio="legacy bio")

    async def bios() -> dict[str, Any]:
        return {sub: (await _me(client, sub))["activeProfile"]["bio"] for sub in profiles}

    assert await bios() == {"reader": "legacy bio", "early": "legacy bio"}
    await set_flags(client, readAllowlist=["early"])
    assert await bios() == {"reader": "legacy bio", "early": "profile bio"}
    assert (await active_profile(client, "reader"))["bio"] == "legacy bio"
    assert (await active_profile(client, "early"))["bio"] == "profile bio"

    legacy_view, profile_view = await _me(client, "reader"), await _me(client, "early")
    assert set(legacy_view) == set(profile_view)
    assert set(legacy_view["activeProfile"]) == set(profile_view["activeProfile"])
    for key in ("id", "version", "isActive", "isPrimary", "completeness", "createdAt"):
        assert legacy_view["activeProfile"][key] == profiles["reader"][key], key

    await set_flags(client, readPercentage=100)
    assert await bios() == {"reader": "profile bio", "early": "profile bio"}
    await set_flags(client, readPercentage=None, readAllowlist=None, readSource="profiles")
    assert await bios() == {"reader": "profile bio", "early": "profile bio"}
    await set_flags(client, readSource=None)
    assert await bios() == {"reader": "legacy bio", "early": "legacy bio"}


async def test_legacy_reads_map_legacy_values_and_fall_back_where_they_cannot(
    client: Client, raw_client: AsyncMongoClient[MongoDocument], settings: Settings
) -> None:
    await onboard(
        client,
        "kira",
        representationStatus="seeking",
        attributes={"hairColor": "brown"},
        headshots=[{"storageId": "a", "url": "https://cdn.example.test/a.jpg"}],
    )
    await _write_as_old_release(
        raw_client,
        settings,
        "kira",
        profileType="DANCER",
        workLocation="Rome,  Milan,",
        representationStatus="Repped?",
        attributes={"hairColor": "red", "height": "5'7\""},
        headshots=[{"storageId": "b", "url": "https://cdn.example.test/b.jpg", "position": 3}],
        links=None,
    )
    profile = (await _me(client, "kira"))["activeProfile"]
    assert profile["workLocation"] == ["Rome", "Milan"]
    assert profile["attributes"]["height"] == {"feet": 5, "inches": 7.0}
    assert profile["attributes"]["hairColor"] == "red"
    assert [(h["storageId"], h["position"]) for h in profile["headshots"]] == [("b", 0)]
    assert profile["links"] == []
    assert profile["representationStatus"] == "seeking"  # unmappable: the profile's value


async def test_legacy_reads_only_apply_to_the_primary_profile_with_a_legacy_copy(
    client: Client, raw_client: AsyncMongoClient[MongoDocument], settings: Settings
) -> None:
    await onboard(client, "kira", bio="dancer bio")
    await _write_as_old_release(raw_client, settings, "kira", bio="legacy bio")
    added = await client.post(
        "/v1/me/profiles",
        json={"profileType": "choreographer", "bio": "choreo bio"},
        headers=auth("kira"),
    )
    assert added.status_code == 201
    await client.put(
        "/v1/me/profiles/active", json={"profileType": "choreographer"}, headers=auth("kira")
    )
    assert (await _me(client, "kira"))["activeProfile"]["bio"] == "choreo bio"

    # a new account without legacy fields
    await set_flags(client, readSource="profiles", dualWrite=False)
    await onboard(client, "fresh", bio="fresh bio")
    assert (await _me(client, "fresh"))["activeProfile"]["bio"] == "fresh bio"

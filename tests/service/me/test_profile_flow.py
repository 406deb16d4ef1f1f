"""The plan's core flow through HTTP: onboarding, a second profile, switching, listing,
deleting."""

from typing import Any

from pymongo import AsyncMongoClient

from documents.derived.completeness import DANCER_WEIGHTS
from service.platform.config import Settings
from service.platform.db import MongoDocument
from tests.helpers import Client, auth, onboard


async def _user_doc(
    raw_client: AsyncMongoClient[MongoDocument], settings: Settings, sub: str
) -> dict[str, Any]:
    user = await raw_client[settings.db_name].users.find_one({"authId": sub})
    assert user is not None
    return user


async def test_onboarding_second_profile_switch_and_list(
    client: Client, raw_client: AsyncMongoClient[MongoDocument], settings: Settings
) -> None:
    dancer = await onboard(client, "ana", displayName="Ana Dancer", bio="Hip hop and house")
    assert dancer["isActive"] is True and dancer["isPrimary"] is True

    added = await client.post(
        "/v1/me/profiles",
        json={"profileType": "choreographer", "companyName": "Ana Works"},
        headers=auth("ana"),
    )
    assert added.status_code == 201, added.text
    choreographer = added.json()
    assert choreographer["isActive"] is False and choreographer["isPrimary"] is False
    assert choreographer["displayName"] == "Person ana"  # from the account's name
    assert added.headers["etag"] == '"1"'

    switched = await client.put(
        "/v1/me/profiles/active", json={"profileType": "choreographer"}, headers=auth("ana")
    )
    assert switched.status_code == 200, switched.text
    assert switched.json()["id"] == choreographer["id"]
    assert switched.json()["isActive"] is True

    mine = await client.get("/v1/me/profiles", headers=auth("ana"))
    assert mine.status_code == 200
    items = mine.json()["items"]
    assert mine.json()["nextCursor"] is None
    assert [(p["profileType"], p["isActive"], p["isPrimary"]) for p in items] == [
        ("choreographer", True, False),
        ("dancer", False, True),
    ]

    active = await client.get("/v1/me/profiles/active", headers=auth("ana"))
    assert active.json()["profileType"] == "choreographer"
    me = (await client.get("/v1/me", headers=auth("ana"))).json()
    assert me["activeProfileType"] == "choreographer"
    assert me["activeProfile"]["companyName"] == "Ana Works"
    assert me["onboardingComplete"] is True

    user = await _user_doc(raw_client, settings, "ana")
    assert user["activeProfileType"] == "choreographer"
    assert str(user["activeDancerId"]) == dancer["id"]
    assert str(user["activeChoreographerId"]) == choreographer["id"]


async def test_onboarding_is_idempotent(client: Client) -> None:
    first = await client.post(
        "/v1/me/onboarding",
        json={"profileType": "dancer", "fullName": "Bo"},
        headers=auth("bo"),
    )
    again = await client.post(
        "/v1/me/onboarding", json={"profileType": "dancer"}, headers=auth("bo")
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    other = await client.post(
        "/v1/me/onboarding", json={"profileType": "choreographer"}, headers=auth("bo")
    )
    assert other.status_code == 409
    assert "POST /v1/me/profiles" in other.json()["detail"]


async def test_onboarding_takes_name_and_email_from_the_token_claims(client: Client) -> None:
    from service.platform.tokens import issue_token
    from tests.helpers import TEST_SECRET

    token = issue_token(TEST_SECRET, "claimed", [], 600)
    import jwt

    claims = jwt.decode(token, TEST_SECRET, algorithms=["HS256"])
    claims.update(email="c@example.test", name="Claire Claims")
    signed = jwt.encode(claims, TEST_SECRET, "HS256")
    response = await client.post(
        "/v1/me/onboarding",
        json={"profileType": "choreographer"},
        headers={"Authorization": f"Bearer {signed}"},
    )
    assert response.status_code == 201, response.text
    assert response.json()["displayName"] == "Claire Claims"
    me = (await client.get("/v1/me", headers={"Authorization": f"Bearer {signed}"})).json()
    assert (me["email"], me["fullName"]) == ("c@example.test", "Claire Claims")


async def test_second_profile_of_the_same_type_is_a_conflict(client: Client) -> None:
    await onboard(client, "cy")
    again = await client.post("/v1/me/profiles", json={"profileType": "dancer"}, headers=auth("cy"))
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")
    mine = (await client.get("/v1/me/profiles", headers=auth("cy"))).json()
    assert len(mine["items"]) == 1


async def test_switch_to_a_missing_profile_is_a_conflict_and_changes_nothing(
    client: Client, raw_client: AsyncMongoClient[MongoDocument], settings: Settings
) -> None:
    await onboard(client, "di")
    response = await client.put(
        "/v1/me/profiles/active", json={"profileType": "choreographer"}, headers=auth("di")
    )
    assert response.status_code == 409
    user = await _user_doc(raw_client, settings, "di")
    assert user["activeProfileType"] == "dancer"


async def test_me_without_account_is_404(client: Client) -> None:
    response = await client.get("/v1/me", headers=auth("nobody"))
    assert response.status_code == 404
    assert "onboarding" in response.json()["detail"]


async def test_deleting_the_active_primary_profile_promotes_the_other(
    client: Client, raw_client: AsyncMongoClient[MongoDocument], settings: Settings
) -> None:
    dancer = await onboard(client, "ed")
    added = await client.post(
        "/v1/me/profiles", json={"profileType": "choreographer"}, headers=auth("ed")
    )
    choreographer_id = added.json()["id"]
    db = raw_client[settings.db_name]
    user = await _user_doc(raw_client, settings, "ed")
    dancer_oid = user["activeDancerId"]
    await db.projects.insert_one({"userId": user["_id"], "profileId": dancer_oid, "title": "X"})
    await db.training.insert_one({"userId": user["_id"], "profileId": dancer_oid, "name": "Y"})

    deleted = await client.delete(f"/v1/dancers/{dancer['id']}", headers=auth("ed"))
    assert deleted.status_code == 204, deleted.text

    remaining = (await client.get("/v1/me/profiles", headers=auth("ed"))).json()["items"]
    assert [(p["id"], p["isActive"], p["isPrimary"]) for p in remaining] == [
        (choreographer_id, True, True)
    ]
    user = await _user_doc(raw_client, settings, "ed")
    assert user["activeProfileType"] == "choreographer"
    assert "activeDancerId" not in user
    assert await db.projects.count_documents({"profileId": dancer_oid}) == 0
    assert await db.training.count_documents({"profileId": dancer_oid}) == 0
    assert (await client.get(f"/v1/dancers/{dancer['id']}", headers=auth("ed"))).status_code == 404


async def test_deleting_the_only_profile_clears_the_active_type(
    client: Client, raw_client: AsyncMongoClient[MongoDocument], settings: Settings
) -> None:
    dancer = await onboard(client, "fay")
    assert (
        await client.delete(f"/v1/dancers/{dancer['id']}", headers=auth("fay"))
    ).status_code == 204
    me = (await client.get("/v1/me", headers=auth("fay"))).json()
    assert me["activeProfile"] is None and me["activeProfileType"] is None
    user = await _user_doc(raw_client, settings, "fay")
    assert "activeProfileType" not in user


async def test_patch_is_a_json_merge_patch(client: Client) -> None:
    dancer = await onboard(
        client,
        "gus",
        bio="old bio",
        attributes={"hairColor": "brown", "eyeColor": "green"},
        links=[{"label": "IG", "url": "https://ig.example.test/gus"}],
    )
    response = await client.patch(
        f"/v1/dancers/{dancer['id']}",
        json={"bio": None, "attributes": {"hairColor": "red"}, "displayName": "Gus G"},
        headers=auth("gus"),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["bio"] is None
    assert body["attributes"]["hairColor"] == "red"
    assert body["attributes"]["eyeColor"] == "green"
    assert body["links"] == [{"label": "IG", "url": "https://ig.example.test/gus"}]
    assert body["displayName"] == "Gus G"
    assert body["version"] == dancer["version"] + 1
    assert response.headers["etag"] == f'"{body["version"]}"'


async def test_patch_recomputes_completeness_and_search_tokens(
    client: Client, raw_client: AsyncMongoClient[MongoDocument], settings: Settings
) -> None:
    dancer = await onboard(client, "hal", displayName="Hal")
    before = dancer["completeness"]
    response = await client.patch(
        f"/v1/dancers/{dancer['id']}",
        json={
            "bio": "Dancer",
            "headshots": [{"storageId": "s1", "url": "https://cdn.example.test/1.jpg"}],
            "resume": {"danceStyles": ["K-Pop"]},
            "workLocation": ["São Paulo"],
        },
        headers=auth("hal"),
    )
    gained = sum(
        DANCER_WEIGHTS[name] for name in ("bio", "headshots", "danceStyles", "workLocation")
    )
    assert response.json()["completeness"] == before + gained
    stored = await raw_client[settings.db_name].dancers.find_one({"displayName": "Hal"})
    assert stored is not None
    assert {"=k", "=pop", "=sao", "=paulo", "pa", "hal"} <= set(stored["searchTokens"])


async def test_me_patch_updates_account_and_active_profile(
    client: Client, raw_client: AsyncMongoClient[MongoDocument], settings: Settings
) -> None:
    await onboard(client, "ivy")
    response = await client.patch(
        "/v1/me",
        json={"fullName": "Ivy Ives", "activeProfile": {"bio": "Contemporary"}},
        headers=auth("ivy"),
    )
    assert response.status_code == 200, response.text
    assert response.json()["fullName"] == "Ivy Ives"
    assert response.json()["activeProfile"]["bio"] == "Contemporary"
    refused = await client.patch(
        "/v1/me", json={"activeProfile": {"companyName": "Not a dancer field"}}, headers=auth("ivy")
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "companyName"
    user = await _user_doc(raw_client, settings, "ivy")
    assert user["fullName"] == "Ivy Ives"


async def test_listing_pages_yield_every_listed_profile_once(client: Client) -> None:
    ids = set()
    for index in range(7):
        profile = await onboard(client, f"lister{index}", bio="x" if index % 2 else None)
        ids.add(profile["id"])
    hidden = await onboard(client, "hidden")
    await client.patch(
        f"/v1/dancers/{hidden['id']}", json={"listed": False}, headers=auth("hidden")
    )
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, str | int] = {"limit": 3}
        if cursor:
            params["cursor"] = cursor
        page = await client.get("/v1/dancers", params=params, headers=auth("reader"))
        assert page.status_code == 200, page.text
        seen.extend(item["id"] for item in page.json()["items"])
        cursor = page.json()["nextCursor"]
        pages += 1
        if cursor is None:
            break
    assert sorted(seen) == sorted(ids)
    assert pages == 3
    assert len(seen) == len(set(seen))


async def test_listing_refuses_bad_limits_and_forged_cursors(client: Client) -> None:
    for params in ({"limit": 0}, {"limit": 101}, {"cursor": "forged.cursor"}):
        response = await client.get("/v1/dancers", params=params, headers=auth("reader"))
        assert response.status_code == 422, (params, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")


async def test_malformed_and_unknown_ids_are_404(client: Client) -> None:
    for path in ("/v1/dancers/not-an-id", "/v1/choreographers/6b0667d8283c583f1f749397"):
        response = await client.get(path, headers=auth("reader"))
        assert response.status_code == 404
        assert response.json()["detail"]


async def test_verification_is_recorded(client: Client) -> None:
    choreographer = await onboard(client, "jo", "choreographer")
    path = f"/v1/choreographers/{choreographer['id']}/verification"
    verified = await client.put(path, headers=auth("boss", admin=True))
    assert verified.status_code == 200, verified.text
    assert verified.json()["verified"] is True
    assert verified.json()["verifiedBy"] == "boss"
    assert verified.json()["verifiedAt"]
    cleared = await client.delete(path, headers=auth("boss", admin=True))
    assert cleared.status_code == 200
    assert (cleared.json()["verified"], cleared.json()["verifiedBy"]) == (False, None)

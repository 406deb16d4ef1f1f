"""`DELETE /v1/me` erases everything of the person, and nothing of anyone else."""

from collections.abc import Iterator
from typing import Any

from bson import ObjectId
from pymongo import AsyncMongoClient

from service.platform.config import Settings
from service.platform.db import MongoDocument
from tests.helpers import Client, auth, onboard

ERASED = "erase-me-7f3a9c"
ERASED_EMAIL = "gone.person@example.test"
KEPT = "keeper-2b1c4d"
KEPT_EMAIL = "kept.person@example.test"


def values(document: Any) -> Iterator[Any]:
    """Every value in `document`, however deeply nested in objects and lists, keys too."""
    if isinstance(document, dict):
        for key, value in document.items():
            yield key
            yield from values(value)
    elif isinstance(document, list | tuple):
        for item in document:
            yield from values(item)
    else:
        yield document


def mentions(document: Any, ids: set[ObjectId], words: set[str]) -> bool:
    """True when `document` holds one of `ids`, or a string containing one of `words`."""
    for value in values(document):
        if isinstance(value, ObjectId) and value in ids:
            return True
        if isinstance(value, str) and (
            any(word in value for word in words) or value in {str(i) for i in ids}
        ):
            return True
    return False


async def everything(raw_client: AsyncMongoClient[MongoDocument], settings: Settings) -> list[Any]:
    db = raw_client[settings.db_name]
    found = []
    for name in sorted(await db.list_collection_names()):
        async for document in db[name].find({}):
            found.append((name, document))
    return found


async def create_person(client: Client, sub: str, email: str) -> list[dict[str, Any]]:
    """A person with a dancer and a choreographer profile, records under both."""
    headers = auth(sub)
    dancer = await onboard(
        client,
        sub,
        email=email,
        displayName=f"Dancer {sub}",
        sagAftraId=f"SAG-{sub}",
        representationStatus="represented",
        representation={"agencyName": "Agency", "agentName": "Agent", "email": email},
    )
    added = await client.post(
        "/v1/me/profiles",
        json={"profileType": "choreographer", "displayName": f"Choreo {sub}"},
        headers=headers,
    )
    assert added.status_code == 201, added.text
    choreographer = added.json()
    for profile, kind in ((dancer, "dancers"), (choreographer, "choreographers")):
        base = f"/v1/{kind}/{profile['id']}"
        project = await client.post(f"{base}/projects", json={"title": "Show"}, headers=headers)
        assert project.status_code == 201, project.text
        training = await client.post(f"{base}/training", json={"name": "Class"}, headers=headers)
        assert training.status_code == 201, training.text
    return [dancer, choreographer]


async def test_erasing_an_account_leaves_nothing_of_the_person(
    client: Client, raw_client: AsyncMongoClient[MongoDocument], settings: Settings
) -> None:
    erased_profiles = await create_person(client, ERASED, ERASED_EMAIL)
    await create_person(client, KEPT, KEPT_EMAIL)
    db = raw_client[settings.db_name]
    erased_user = await db.users.find_one({"authId": ERASED})
    kept_user = await db.users.find_one({"authId": KEPT})
    assert erased_user is not None and kept_user is not None
    for user in (erased_user, kept_user):  # what the migrations keep about a person
        await db.migration_issues.insert_one(
            {"userId": user["_id"], "field": "bio", "rule": "r", "raw": user["authId"]}
        )
        await db.legacy_user_backup.insert_one(
            {"_id": user["_id"], "fields": {"displayName": user["authId"]}}
        )
    await db.feature_flags.update_one(
        {"_id": "rollout"}, {"$set": {"readAllowlist": [ERASED, KEPT]}}, upsert=True
    )
    before = await everything(raw_client, settings)
    ids = {erased_user["_id"], *(ObjectId(p["id"]) for p in erased_profiles)}
    words = {ERASED, ERASED_EMAIL}
    kept_before = [item for item in before if not mentions(item[1], ids, words)]
    assert len(kept_before) < len(before)

    response = await client.delete("/v1/me", headers=auth(ERASED))

    assert response.status_code == 204, response.text
    after = await everything(raw_client, settings)
    leftovers = [(name, doc) for name, doc in after if mentions(doc, ids, words)]
    assert leftovers == []
    flags = await db.feature_flags.find_one({"_id": "rollout"})
    assert flags is not None and flags["readAllowlist"] == [KEPT]
    untouched = [item for item in after if item[0] != "feature_flags"]
    assert untouched == [item for item in kept_before if item[0] != "feature_flags"]
    for profile in erased_profiles:
        kind = "dancers" if profile["profileType"] == "dancer" else "choreographers"
        gone = await client.get(f"/v1/{kind}/{profile['id']}", headers=auth(KEPT))
        assert gone.status_code == 404
    assert (await client.get("/v1/me", headers=auth(KEPT))).status_code == 200


async def test_erasing_without_an_account_is_404(client: Client) -> None:
    response = await client.delete("/v1/me", headers=auth("nobody-here"))

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_erasing_twice_is_404_the_second_time(client: Client) -> None:
    await onboard(client, "twice")

    assert (await client.delete("/v1/me", headers=auth("twice"))).status_code == 204
    assert (await client.delete("/v1/me", headers=auth("twice"))).status_code == 404
    assert (await client.get("/v1/me", headers=auth("twice"))).status_code == 404


async def test_erasing_needs_a_token(client: Client) -> None:
    assert (await client.delete("/v1/me")).status_code == 401


async def test_a_subject_that_comes_back_sees_its_new_profile_in_full(client: Client) -> None:
    """Reads remember a subject's account for a minute; erasure forgets it, so the same
    subject onboarding again owns its new profile at once."""
    first = await onboard(client, "returning", sagAftraId="SAG-1")
    seen = await client.get(f"/v1/dancers/{first['id']}", headers=auth("returning"))
    assert seen.json()["sagAftraId"] == "SAG-1"  # the owner's full view
    assert (await client.delete("/v1/me", headers=auth("returning"))).status_code == 204

    again = await onboard(client, "returning", sagAftraId="SAG-2")
    seen = await client.get(f"/v1/dancers/{again['id']}", headers=auth("returning"))
    assert seen.status_code == 200 and seen.json()["sagAftraId"] == "SAG-2"
    other = await client.get(f"/v1/dancers/{again['id']}", headers=auth("someone-else"))
    assert "sagAftraId" not in other.json() or other.json()["sagAftraId"] is None

"""Project and training records under a profile, through HTTP: create, list, change,
delete; ownership; If-Match; the 200-record limit; completeness and version."""

import asyncio
from typing import Any

import pytest
from bson import ObjectId
from pymongo import AsyncMongoClient

from service.platform.config import Settings
from service.platform.db import MongoDocument
from service.profiles import writes as profile_writes
from service.profiles.content import records as profile_records
from tests.helpers import Client, auth, onboard

PROBLEM = "application/problem+json"


def _db(raw_client: AsyncMongoClient[MongoDocument], settings: Settings) -> Any:
    return raw_client[settings.db_name]


async def _profile(client: Client, kind: str, profile_id: str) -> dict[str, Any]:
    response = await client.get(f"/v1/{kind}s/{profile_id}", headers=auth("reader"))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_projects_create_list_change_delete(
    client: Client, raw_client: AsyncMongoClient[MongoDocument], settings: Settings
) -> None:
    dancer = await onboard(client, "ana")
    base = f"/v1/dancers/{dancer['id']}/projects"
    created = []
    for title, year in (
        ("Old Show", 2015),
        ("No Year", None),
        ("New Show", 2023),
        ("Also New", 2023),
    ):
        body: dict[str, Any] = {"title": title, "type": "film", "company": "Pulse"}
        if year is not None:
            body["year"] = year
        response = await client.post(base, json=body, headers=auth("ana"))
        assert response.status_code == 201, response.text
        created.append(response.json())
    first = created[0]
    assert first["title"] == "Old Show" and first["year"] == 2015 and first["link"] is None
    assert first["profileId"] == dancer["id"]
    stored = await _db(raw_client, settings).projects.find_one({"_id": ObjectId(first["id"])})
    assert stored is not None
    assert stored["profileId"] == ObjectId(dancer["id"])
    assert str(stored["userId"]) == dancer["userId"] == first["userId"]

    listed = await client.get(base, headers=auth("someone-else"))
    assert listed.status_code == 200, listed.text
    assert listed.headers["etag"] == '"5"'  # onboarding, then four creates
    titles = [item["title"] for item in listed.json()["items"]]
    assert titles == ["New Show", "Also New", "Old Show", "No Year"]

    changed = await client.patch(
        f"{base}/{first['id']}",
        json={"title": "Old Show (revival)", "link": "https://video.example.test/x"},
        headers={**auth("ana"), "If-Match": '"5"'},
    )
    assert changed.status_code == 200, changed.text
    assert changed.headers["etag"] == '"6"'
    assert changed.json()["title"] == "Old Show (revival)"
    assert changed.json()["company"] == "Pulse"  # absent keys stay
    cleared = await client.patch(
        f"{base}/{first['id']}", json={"link": None, "year": None}, headers=auth("ana")
    )
    assert cleared.status_code == 200, cleared.text
    assert (cleared.json()["link"], cleared.json()["year"]) == (None, None)

    deleted = await client.delete(f"{base}/{first['id']}", headers=auth("ana"))
    assert deleted.status_code == 204, deleted.text
    assert deleted.headers["etag"] == '"8"'
    remaining = (await client.get(base, headers=auth("ana"))).json()["items"]
    assert [item["title"] for item in remaining] == ["New Show", "Also New", "No Year"]
    again = await client.delete(f"{base}/{first['id']}", headers=auth("ana"))
    assert again.status_code == 404
    assert again.headers["content-type"].startswith(PROBLEM)


async def test_training_create_list_change_delete(
    client: Client, raw_client: AsyncMongoClient[MongoDocument], settings: Settings
) -> None:
    choreographer = await onboard(client, "bo", "choreographer")
    base = f"/v1/choreographers/{choreographer['id']}/training"
    first = await client.post(
        base,
        json={
            "name": "Alvin Ailey",
            "type": "company",
            "instructors": ["Tyce", "Brian"],
            "location": "Chicago",
            "startYear": 2012,
            "endYear": 2016,
        },
        headers=auth("bo"),
    )
    assert first.status_code == 201, first.text
    assert first.json()["instructors"] == ["Tyce", "Brian"]
    second = await client.post(
        base, json={"name": "Steps on Broadway", "startYear": 2018}, headers=auth("bo")
    )
    assert second.status_code == 201, second.text
    assert second.json()["endYear"] is None

    listed = (await client.get(base, headers=auth("bo"))).json()["items"]
    assert [item["name"] for item in listed] == ["Steps on Broadway", "Alvin Ailey"]

    record = f"{base}/{first.json()['id']}"
    backwards = await client.patch(record, json={"startYear": 2020}, headers=auth("bo"))
    assert backwards.status_code == 422
    assert backwards.json()["errors"][0]["field"] == "endYear"
    cleared_name = await client.patch(record, json={"name": None}, headers=auth("bo"))
    assert cleared_name.status_code == 422
    changed = await client.patch(
        record, json={"instructors": ["Mia"], "endYear": None}, headers=auth("bo")
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["instructors"], changed.json()["endYear"]) == (["Mia"], None)

    created_backwards = await client.post(
        base, json={"name": "X", "startYear": 2020, "endYear": 2019}, headers=auth("bo")
    )
    assert created_backwards.status_code == 422

    deleted = await client.delete(record, headers=auth("bo"))
    assert deleted.status_code == 204
    stored = await _db(raw_client, settings).training.find({}).to_list()
    assert [doc["name"] for doc in stored] == ["Steps on Broadway"]


async def test_only_the_owner_or_an_admin_writes_records(client: Client) -> None:
    dancer = await onboard(client, "cy")
    base = f"/v1/dancers/{dancer['id']}/projects"
    mine = (await client.post(base, json={"title": "Mine"}, headers=auth("cy"))).json()

    stranger = auth("mallory")
    assert (await client.post(base, json={"title": "X"}, headers=stranger)).status_code == 403
    patched = await client.patch(f"{base}/{mine['id']}", json={"title": "X"}, headers=stranger)
    assert patched.status_code == 403
    assert patched.headers["content-type"].startswith(PROBLEM)
    assert (await client.delete(f"{base}/{mine['id']}", headers=stranger)).status_code == 403
    training = f"/v1/dancers/{dancer['id']}/training"
    assert (await client.post(training, json={"name": "X"}, headers=stranger)).status_code == 403

    admin = auth("root", admin=True)
    added = await client.post(base, json={"title": "By admin"}, headers=admin)
    assert added.status_code == 201, added.text
    assert added.json()["userId"] == dancer["userId"]
    listed = (await client.get(base, headers=stranger)).json()["items"]
    assert sorted(item["title"] for item in listed) == ["By admin", "Mine"]


async def test_a_stale_if_match_is_412_and_changes_nothing(
    client: Client, raw_client: AsyncMongoClient[MongoDocument], settings: Settings
) -> None:
    dancer = await onboard(client, "di")
    base = f"/v1/dancers/{dancer['id']}/projects"
    made = await client.post(base, json={"title": "One"}, headers={**auth("di"), "If-Match": '"1"'})
    assert made.status_code == 201, made.text
    assert made.headers["etag"] == '"2"'
    record = f"{base}/{made.json()['id']}"

    stale = {**auth("di"), "If-Match": '"1"'}
    created = await client.post(base, json={"title": "Two"}, headers=stale)
    changed = await client.patch(record, json={"title": "Changed"}, headers=stale)
    deleted = await client.delete(record, headers=stale)
    assert [r.status_code for r in (created, changed, deleted)] == [412, 412, 412]
    assert created.headers["content-type"].startswith(PROBLEM)

    stored = await _db(raw_client, settings).projects.find({}).to_list()
    assert [doc["title"] for doc in stored] == ["One"]
    assert (await _profile(client, "dancer", dancer["id"]))["version"] == 2


async def test_the_201st_project_is_refused(
    client: Client, raw_client: AsyncMongoClient[MongoDocument], settings: Settings
) -> None:
    dancer = await onboard(client, "ed")
    profile_oid = ObjectId(dancer["id"])
    user_oid = ObjectId(dancer["userId"])
    projects = _db(raw_client, settings).projects
    await projects.insert_many(
        [{"userId": user_oid, "profileId": profile_oid, "title": f"P{n}"} for n in range(200)]
    )
    # written around the service (as a migration does): the profile's counts are of
    # other rules until `derive` runs, so the records are counted
    await _db(raw_client, settings).dancers.update_one(
        {"_id": profile_oid}, {"$set": {"derivedWith": None}}
    )
    response = await client.post(
        f"/v1/dancers/{dancer['id']}/projects", json={"title": "One too many"}, headers=auth("ed")
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    assert "at most 200" in response.json()["detail"]
    assert await projects.count_documents({"profileId": profile_oid}) == 200
    training = await client.post(
        f"/v1/dancers/{dancer['id']}/training", json={"name": "Still fine"}, headers=auth("ed")
    )
    assert training.status_code == 201


async def test_records_of_another_profile_or_an_unknown_one_are_404(client: Client) -> None:
    first = await onboard(client, "fi")
    second = await onboard(client, "gu")
    made = await client.post(
        f"/v1/dancers/{first['id']}/projects", json={"title": "Fi's"}, headers=auth("fi")
    )
    record_id = made.json()["id"]
    admin = auth("root", admin=True)
    elsewhere = f"/v1/dancers/{second['id']}/projects/{record_id}"
    assert (await client.patch(elsewhere, json={"title": "X"}, headers=admin)).status_code == 404
    assert (await client.delete(elsewhere, headers=admin)).status_code == 404
    malformed = f"/v1/dancers/{first['id']}/projects/not-an-id"
    assert (await client.delete(malformed, headers=admin)).status_code == 404

    for path in (
        f"/v1/dancers/{ObjectId()}/projects",
        "/v1/dancers/nonsense/training",
        f"/v1/choreographers/{first['id']}/projects",  # a dancer's id on the other path
    ):
        response = await client.get(path, headers=auth("fi"))
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith(PROBLEM)
    missing = await client.post(
        f"/v1/dancers/{ObjectId()}/projects", json={"title": "X"}, headers=admin
    )
    assert missing.status_code == 404
    mine = await client.get(f"/v1/dancers/{first['id']}/projects", headers=auth("fi"))
    assert [item["title"] for item in mine.json()["items"]] == ["Fi's"]


async def test_a_project_raises_completeness_and_bumps_the_version(client: Client) -> None:
    choreographer = await onboard(client, "ha", "choreographer")
    before = await _profile(client, "choreographer", choreographer["id"])
    base = f"/v1/choreographers/{choreographer['id']}/projects"
    made = await client.post(base, json={"title": "Debut"}, headers=auth("ha"))
    assert made.status_code == 201
    after = await _profile(client, "choreographer", choreographer["id"])
    assert after["completeness"] == before["completeness"] + 10
    assert after["version"] == before["version"] + 1
    assert made.headers["etag"] == f'"{after["version"]}"'

    await client.post(base, json={"title": "Second"}, headers=auth("ha"))
    await client.delete(f"{base}/{made.json()['id']}", headers=auth("ha"))
    one_left = await _profile(client, "choreographer", choreographer["id"])
    assert one_left["completeness"] == after["completeness"]
    listed = (await client.get(base, headers=auth("ha"))).json()["items"]
    await client.delete(f"{base}/{listed[0]['id']}", headers=auth("ha"))
    none_left = await _profile(client, "choreographer", choreographer["id"])
    assert none_left["completeness"] == before["completeness"]
    assert none_left["version"] == before["version"] + 4


async def test_bad_input_is_422_and_stores_nothing(
    client: Client, raw_client: AsyncMongoClient[MongoDocument], settings: Settings
) -> None:
    dancer = await onboard(client, "io")
    base = f"/v1/dancers/{dancer['id']}/projects"
    for body, field in (
        ({"title": "X", "budget": 5}, "budget"),
        ({"title": "X", "userId": str(ObjectId())}, "userId"),
        ({"title": "X", "link": "ftp://files.example.test/x"}, "link"),
        ({"title": "X", "link": "javascript:alert(1)"}, "link"),
        ({"title": "X", "year": 3000}, "year"),
        ({"title": ""}, "title"),
        ({"type": "film"}, "title"),
        ({"title": "X" * 201}, "title"),
    ):
        response = await client.post(base, json=body, headers=auth("io"))
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"].startswith(PROBLEM)
        assert any(field in error["field"] for error in response.json()["errors"]), body
    training = f"/v1/dancers/{dancer['id']}/training"
    too_many = await client.post(
        training, json={"name": "X", "instructors": ["A"] * 21}, headers=auth("io")
    )
    assert too_many.status_code == 422
    assert await _db(raw_client, settings).projects.count_documents({}) == 0
    assert await _db(raw_client, settings).training.count_documents({}) == 0

    made = (await client.post(base, json={"title": "Kept"}, headers=auth("io"))).json()
    bad_patch = await client.patch(
        f"{base}/{made['id']}", json={"title": "Y", "profileId": None}, headers=auth("io")
    )
    assert bad_patch.status_code == 422
    stored = await _db(raw_client, settings).projects.find_one({})
    assert stored is not None and stored["title"] == "Kept"
    assert (await _profile(client, "dancer", dancer["id"]))["version"] == 2


async def test_legacy_records_are_listed_whole(
    client: Client, raw_client: AsyncMongoClient[MongoDocument], settings: Settings
) -> None:
    dancer = await onboard(client, "ju")
    await _db(raw_client, settings).training.insert_one(
        {
            "userId": ObjectId(dancer["userId"]),
            "profileId": ObjectId(dancer["id"]),
            "name": "Legacy Academy",
            "legacyRef": ObjectId(),
        }
    )
    response = await client.get(f"/v1/dancers/{dancer['id']}/training", headers=auth("ju"))
    assert response.status_code == 200, response.text
    (item,) = response.json()["items"]
    assert item["name"] == "Legacy Academy" and item["startYear"] is None
    assert isinstance(item["legacyRef"], str)


async def test_concurrent_writes_keep_records_and_version_in_step(
    client: Client, raw_client: AsyncMongoClient[MongoDocument], settings: Settings
) -> None:
    dancer = await onboard(client, "ka")
    base = f"/v1/dancers/{dancer['id']}/projects"
    responses = await asyncio.gather(
        *(
            client.post(
                base,
                json={"title": f"T{n}"},
                headers={**auth("ka"), "If-Match": '"1"'} if n % 3 == 0 else auth("ka"),
            )
            for n in range(12)
        )
    )
    racing = responses[::3]
    statuses = sorted(r.status_code for r in responses)
    assert set(statuses) <= {201, 409, 412}, statuses
    stored = await _db(raw_client, settings).projects.count_documents({})
    assert stored == statuses.count(201)
    assert sum(r.status_code == 201 for r in racing) <= 1
    profile = await _profile(client, "dancer", dancer["id"])
    assert profile["version"] == 1 + stored


async def test_a_profile_changed_mid_write_rolls_the_record_back(
    client: Client,
    raw_client: AsyncMongoClient[MongoDocument],
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dancer = await onboard(client, "lu")
    base = f"/v1/dancers/{dancer['id']}/projects"
    real_write = profile_writes.write_profile_changes
    lost_races = 0

    async def lose_first_race(*args: Any, **kwargs: Any) -> Any:
        nonlocal lost_races
        if lost_races == 0:
            lost_races += 1
            return None  # what a concurrent version bump looks like
        return await real_write(*args, **kwargs)

    monkeypatch.setattr(profile_records, "write_profile_changes", lose_first_race)
    retried = await client.post(base, json={"title": "Retried"}, headers=auth("lu"))
    assert retried.status_code == 201, retried.text
    projects = _db(raw_client, settings).projects
    assert [doc["title"] async for doc in projects.find({})] == ["Retried"]

    lost_races = 0
    named = await client.post(
        base, json={"title": "Named"}, headers={**auth("lu"), "If-Match": retried.headers["etag"]}
    )
    assert named.status_code == 412, named.text
    assert await projects.count_documents({}) == 1
    assert (await _profile(client, "dancer", dancer["id"]))["version"] == 2


async def test_a_record_added_to_a_profile_of_older_rules_is_counted_once(
    client: Client, raw_client: AsyncMongoClient[MongoDocument], settings: Settings
) -> None:
    """A profile whose counts are not of this release's rules is counted, before the
    record is written: the new counts are the records there are, not one more."""
    dancer = await onboard(client, "counted-once")
    profile_oid = ObjectId(dancer["id"])
    db = _db(raw_client, settings)
    await db.projects.insert_one(
        {"userId": ObjectId(dancer["userId"]), "profileId": profile_oid, "title": "Before"}
    )
    await db.dancers.update_one({"_id": profile_oid}, {"$set": {"derivedWith": None}})
    response = await client.post(
        f"/v1/dancers/{dancer['id']}/projects",
        json={"title": "Added"},
        headers=auth("counted-once"),
    )
    assert response.status_code == 201, response.text
    stored = await db.dancers.find_one({"_id": profile_oid})
    assert stored is not None
    assert (stored["projectCount"], stored["trainingCount"]) == (2, 0)

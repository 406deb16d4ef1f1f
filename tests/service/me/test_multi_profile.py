"""The plan's multi-profile features (6.2) through HTTP: the quick switcher's `missing`,
the comparison view, copying fields from the other profile, and profile templates."""

from typing import Any

from pymongo import AsyncMongoClient

from service.platform.config import Settings
from service.platform.db import MongoDocument
from tests.helpers import Client, auth, onboard

HEADSHOT = {"storageId": "st-1", "url": "https://cdn.example.com/1.jpg", "title": "Studio"}
LINK = {"label": "Reel", "url": "https://video.example.com/reel"}


async def _add(client: Client, sub: str, body: dict[str, Any]) -> Any:
    return await client.post("/v1/me/profiles", json=body, headers=auth(sub))


async def _count(
    raw_client: AsyncMongoClient[MongoDocument], settings: Settings, collection: str
) -> int:
    return await raw_client[settings.db_name][collection].count_documents({})


async def test_switcher_lists_missing_sections_and_follows_changes(client: Client) -> None:
    dancer = await onboard(client, "sam", displayName="Sam")
    mine = await client.get("/v1/me/profiles", headers=auth("sam"))
    assert mine.status_code == 200, mine.text
    [item] = mine.json()["items"]
    assert item["id"] == dancer["id"] and item["completeness"] == 10
    assert "bio" in item["missing"] and "projects" in item["missing"]
    assert "displayName" not in item["missing"]

    patched = await client.patch(
        f"/v1/dancers/{dancer['id']}", json={"bio": "Tap and jazz"}, headers=auth("sam")
    )
    assert patched.status_code == 200, patched.text
    [item] = (await client.get("/v1/me/profiles", headers=auth("sam"))).json()["items"]
    assert "bio" not in item["missing"] and item["completeness"] == 20
    assert item["missing"][0] == "headshots"


async def test_comparison_of_two_profiles(client: Client) -> None:
    dancer = await onboard(client, "cy", bio="Contemporary", workLocation=["Berlin"])
    added = await _add(
        client,
        "cy",
        {"profileType": "choreographer", "bio": "I make pieces", "workLocation": ["Berlin"]},
    )
    assert added.status_code == 201, added.text

    response = await client.get("/v1/me/profiles/comparison", headers=auth("cy"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["dancer"] == {"id": dancer["id"], "completeness": dancer["completeness"]}
    assert body["choreographer"]["id"] == added.json()["id"]
    fields = {item["field"]: item for item in body["fields"]}
    assert list(fields) == [
        "displayName",
        "bio",
        "headshots",
        "links",
        "workLocation",
        "training",
        "resume.skills",
        "resume.danceStyles",
        "resume.uploads",
    ]
    assert fields["bio"] == {
        "field": "bio",
        "same": False,
        "dancer": "Contemporary",
        "choreographer": "I make pieces",
    }
    assert fields["workLocation"] == {
        "field": "workLocation",
        "same": True,
        "dancer": ["Berlin"],
        "choreographer": ["Berlin"],
    }
    assert fields["displayName"]["same"] is True
    assert fields["displayName"]["dancer"] == "Person cy"


async def test_comparison_needs_both_profiles(client: Client) -> None:
    assert (
        await client.get("/v1/me/profiles/comparison", headers=auth("nobody"))
    ).status_code == 404
    await onboard(client, "di", "choreographer")
    response = await client.get("/v1/me/profiles/comparison", headers=auth("di"))
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "dancer" in response.json()["detail"]
    assert "POST /v1/me/profiles" in response.json()["detail"]


async def test_copy_from_copies_the_named_fields_and_the_body_wins(client: Client) -> None:
    await onboard(
        client,
        "eve",
        bio="Dancer bio",
        headshots=[HEADSHOT],
        links=[LINK],
        training=[{"name": "Juilliard", "type": "school"}],
        workLocation=["Paris"],
    )
    added = await _add(
        client,
        "eve",
        {
            "profileType": "choreographer",
            "copyFrom": ["headshots", "bio", "training"],
            "bio": "Choreographer bio",
        },
    )
    assert added.status_code == 201, added.text
    profile = added.json()
    assert profile["bio"] == "Choreographer bio"  # the body wins
    assert [h["storageId"] for h in profile["headshots"]] == ["st-1"]
    assert profile["training"] == [{"name": "Juilliard", "type": "school"}]
    assert profile["links"] == []  # not named
    assert profile["workLocation"] == []  # not copyable
    assert "copyFrom" not in profile


async def test_unknown_copy_from_name_is_refused_and_nothing_created(
    client: Client, raw_client: AsyncMongoClient[MongoDocument], settings: Settings
) -> None:
    await onboard(client, "fay", bio="Bio")
    response = await _add(
        client, "fay", {"profileType": "choreographer", "copyFrom": ["bio", "sizing"]}
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"].endswith("copyFrom.1") and "headshots" in error["message"]
    assert await _count(raw_client, settings, "choreographers") == 0


async def test_templates_admin_only_applied_at_onboarding_and_deleted(
    client: Client, raw_client: AsyncMongoClient[MongoDocument], settings: Settings
) -> None:
    url = "/v1/admin/profile-templates/dancer/hip-hop_starter"
    fields = {
        "bio": "Template bio",
        "workLocation": ["Atlanta"],
        "resume": {"danceStyles": ["hip hop"]},
    }
    refused = await client.put(url, json={"fields": fields}, headers=auth("joe"))
    assert refused.status_code == 403
    created = await client.put(url, json={"fields": fields}, headers=auth("admin", admin=True))
    assert created.status_code == 201, created.text
    assert created.json()["fields"]["resume"] == {"danceStyles": ["Hip-Hop"]}
    replaced = await client.put(url, json={"fields": fields}, headers=auth("admin", admin=True))
    assert replaced.status_code == 200 and replaced.json()["updatedBy"] == "admin"
    stored = await raw_client[settings.db_name].profile_templates.find_one(
        {"_id": "dancer:hip-hop_starter"}
    )
    assert stored is not None and stored["profileType"] == "dancer"

    listed = await client.get("/v1/admin/profile-templates", headers=auth("admin", admin=True))
    assert [(t["profileType"], t["name"]) for t in listed.json()["items"]] == [
        ("dancer", "hip-hop_starter")
    ]
    assert (await client.get("/v1/admin/profile-templates", headers=auth("joe"))).status_code == 403

    profile = await onboard(
        client, "gus", template="hip-hop_starter", bio="My own bio", resume={"skills": ["flips"]}
    )
    assert profile["bio"] == "My own bio"  # the body wins
    assert profile["workLocation"] == ["Atlanta"]
    assert profile["resume"]["danceStyles"] == ["Hip-Hop"]
    assert profile["resume"]["skills"] == ["flips"]
    assert "template" not in profile
    dancer = await raw_client[settings.db_name].dancers.find_one({})
    assert dancer is not None and "template" not in dancer

    deleted = await client.delete(url, headers=auth("admin", admin=True))
    assert deleted.status_code == 204
    again = await client.delete(url, headers=auth("admin", admin=True))
    assert again.status_code == 404


async def test_unknown_template_is_refused_and_nothing_created(
    client: Client, raw_client: AsyncMongoClient[MongoDocument], settings: Settings
) -> None:
    response = await client.post(
        "/v1/me/onboarding",
        json={"profileType": "dancer", "template": "no-such-one"},
        headers=auth("hal"),
    )
    assert response.status_code == 422
    assert "no-such-one" in response.json()["detail"]
    assert await _count(raw_client, settings, "users") == 0
    assert await _count(raw_client, settings, "dancers") == 0

    await onboard(client, "hal")
    added = await _add(client, "hal", {"profileType": "choreographer", "template": "nope"})
    assert added.status_code == 422 and "nope" in added.json()["detail"]
    assert await _count(raw_client, settings, "choreographers") == 0


async def test_template_then_copy_from_then_body_when_adding(client: Client) -> None:
    admin = auth("admin", admin=True)
    body = {"fields": {"bio": "T bio", "companyName": "T Co", "links": [LINK]}}
    put = await client.put(
        "/v1/admin/profile-templates/choreographer/studio", json=body, headers=admin
    )
    assert put.status_code == 201, put.text
    await onboard(client, "ivy", bio="Dancer bio", links=[], headshots=[HEADSHOT])
    added = await _add(
        client,
        "ivy",
        {
            "profileType": "choreographer",
            "template": "studio",
            "copyFrom": ["bio", "headshots"],
            "companyName": "Ivy Co",
        },
    )
    assert added.status_code == 201, added.text
    profile = added.json()
    assert profile["bio"] == "Dancer bio"  # copied over the template
    assert profile["companyName"] == "Ivy Co"  # the body over the template
    assert profile["links"] == [LINK]  # the template's
    assert len(profile["headshots"]) == 1


async def test_template_fields_are_validated_as_a_profile(client: Client) -> None:
    admin = auth("admin", admin=True)
    base = "/v1/admin/profile-templates"
    server_owned = await client.put(
        f"{base}/dancer/ok", json={"fields": {"completeness": 100}}, headers=admin
    )
    assert server_owned.status_code == 422
    assert server_owned.json()["errors"][0]["field"] == "fields.completeness"
    assert "set by the server" in server_owned.json()["errors"][0]["message"]
    other_type = await client.put(
        f"{base}/choreographer/ok", json={"fields": {"sizing": {"shoe": 9}}}, headers=admin
    )
    assert other_type.status_code == 422
    too_long = await client.put(
        f"{base}/dancer/ok", json={"fields": {"bio": "x" * 5001}}, headers=admin
    )
    assert too_long.status_code == 422
    bad_name = await client.put(f"{base}/dancer/bad.name", json={"fields": {}}, headers=admin)
    assert bad_name.status_code == 422
    long_name = await client.put(f"{base}/dancer/{'n' * 61}", json={"fields": {}}, headers=admin)
    assert long_name.status_code == 422
    bad_type = await client.put(f"{base}/juggler/ok", json={"fields": {}}, headers=admin)
    assert bad_type.status_code == 422
    listed = await client.get(base, headers=admin)
    assert listed.json()["items"] == []

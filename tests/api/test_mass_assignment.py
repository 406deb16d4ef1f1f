"""Server-owned fields can never be set from a request body: 422, and nothing stored."""

from typing import Any

import pytest
from pymongo import AsyncMongoClient

from service.config import Settings
from service.db import MongoDocument
from tests.helpers import Client, auth, onboard

PROFILE_SERVER_FIELDS: dict[str, Any] = {
    "id": "6b0667d8283c583f1f749397",
    "_id": "6b0667d8283c583f1f749397",
    "userId": "6b0667d8283c583f1f749397",
    "isActive": False,
    "isPrimary": False,
    "verified": True,
    "verifiedAt": "2026-01-01T00:00:00Z",
    "verifiedBy": "me",
    "completeness": 100,
    "searchTokens": ["x"],
    "createdAt": "2020-01-01T00:00:00Z",
    "updatedAt": "2020-01-01T00:00:00Z",
    "version": 99,
    "revision_id": "x",
    "profileType": "choreographer",
}
ACCOUNT_SERVER_FIELDS: dict[str, Any] = {
    "id": "6b0667d8283c583f1f749397",
    "authId": "someone-else",
    "activeProfileType": "choreographer",
    "activeDancerId": "6b0667d8283c583f1f749397",
    "activeChoreographerId": "6b0667d8283c583f1f749397",
    "onboardingComplete": False,
}


@pytest.fixture
async def profiles(client: Client) -> dict[str, dict[str, Any]]:
    dancer = await onboard(client, "owner")
    choreographer = await client.post(
        "/v1/me/profiles", json={"profileType": "choreographer"}, headers=auth("owner")
    )
    return {"dancer": dancer, "choreographer": choreographer.json()}


async def _snapshot(raw_client: AsyncMongoClient[MongoDocument], settings: Settings) -> list[Any]:
    db = raw_client[settings.db_name]
    return [
        await collection.find({}, sort=[("_id", 1)]).to_list()
        for collection in (db.users, db.dancers, db.choreographers)
    ]


def _assert_refused(response: Any, field: str) -> None:
    assert response.status_code == 422, (field, response.text)
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert any(error["field"].endswith(field) for error in problem["errors"]), problem


@pytest.mark.parametrize("field", sorted(PROFILE_SERVER_FIELDS))
async def test_profile_writes_refuse_server_owned_fields(
    client: Client,
    raw_client: AsyncMongoClient[MongoDocument],
    settings: Settings,
    profiles: dict[str, dict[str, Any]],
    field: str,
) -> None:
    before = await _snapshot(raw_client, settings)
    value = PROFILE_SERVER_FIELDS[field]
    for kind, profile in profiles.items():
        response = await client.patch(
            f"/v1/{kind}s/{profile['id']}", json={"bio": "ok", field: value}, headers=auth("owner")
        )
        _assert_refused(response, field)
        response = await client.patch(
            f"/v1/{kind}s/{profile['id']}",
            json={"bio": "ok", field: value},
            headers=auth("admin", admin=True),
        )
        _assert_refused(response, field)
    response = await client.patch(
        "/v1/me", json={"activeProfile": {field: value}}, headers=auth("owner")
    )
    _assert_refused(response, field)
    if field != "profileType":
        for profile_type in ("dancer", "choreographer"):
            body = {"profileType": profile_type, field: value}
            _assert_refused(
                await client.post("/v1/me/onboarding", json=body, headers=auth("newcomer")), field
            )
            _assert_refused(
                await client.post("/v1/me/profiles", json=body, headers=auth("owner")), field
            )
    assert await _snapshot(raw_client, settings) == before


@pytest.mark.parametrize("field", sorted(ACCOUNT_SERVER_FIELDS))
async def test_me_refuses_server_owned_account_fields(
    client: Client,
    raw_client: AsyncMongoClient[MongoDocument],
    settings: Settings,
    profiles: dict[str, dict[str, Any]],
    field: str,
) -> None:
    before = await _snapshot(raw_client, settings)
    response = await client.patch(
        "/v1/me",
        json={"fullName": "New", field: ACCOUNT_SERVER_FIELDS[field]},
        headers=auth("owner"),
    )
    _assert_refused(response, field)
    assert "server" in str(response.json()["errors"])
    assert await _snapshot(raw_client, settings) == before


async def test_unknown_and_other_type_fields_are_refused(
    client: Client, profiles: dict[str, dict[str, Any]]
) -> None:
    cases = [
        ("dancer", {"favouriteColour": "red"}, "favouriteColour"),
        ("dancer", {"companyName": "Only choreographers"}, "companyName"),
        ("choreographer", {"sizing": {"shirt": "M"}}, "sizing"),
        ("dancer", {"attributes": {"shoeSize": 9}}, "attributes.shoeSize"),
    ]
    for kind, body, field in cases:
        response = await client.patch(
            f"/v1/{kind}s/{profiles[kind]['id']}", json=body, headers=auth("owner")
        )
        _assert_refused(response, field)
        assert any(error["field"] == field for error in response.json()["errors"])

"""Server-owned fields can never be set from a request body: 422, and nothing stored."""

from typing import Any

import pytest
from pymongo import AsyncMongoClient

from service.platform.config import Settings
from service.platform.db import MongoDocument
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


SERVER_OWNED: dict[str, Any] = {
    name: PROFILE_SERVER_FIELDS[name]
    for name in (
        "id",
        "userId",
        "isActive",
        "isPrimary",
        "verified",
        "verifiedAt",
        "verifiedBy",
        "completeness",
        "searchTokens",
        "createdAt",
        "updatedAt",
        "version",
        "_id",
        "revision_id",
    )
} | {"rankKey": "0001"}
COLLECTIONS = ("users", "dancers", "choreographers", "projects", "training", "profile_templates")


async def _seed_everything(client: Client) -> dict[str, str]:
    """The owner's two profiles with one item of every kind: path parameters by name
    (`dancer`, `choreographer`, `dancer/videos`, ...)."""
    from tests.api.test_fuzz import SEED_ITEMS

    ids = {"dancer": (await onboard(client, "owner"))["id"]}
    added = await client.post(
        "/v1/me/profiles", json={"profileType": "choreographer"}, headers=auth("owner")
    )
    ids["choreographer"] = added.json()["id"]
    for kind in ("dancer", "choreographer"):
        base = f"/v1/{kind}s/{ids[kind]}"
        shot = {"storageId": "shot", "url": "https://img.example.test/a.jpg"}
        assert (await client.post(f"{base}/headshots", json=shot, headers=auth("owner"))).is_success
        for section, body in SEED_ITEMS.items():
            response = await client.post(f"{base}/{section}", json=body, headers=auth("owner"))
            if response.status_code == 201:
                ids[f"{kind}/{section}"] = response.json()["id"]
    template = await client.put(
        "/v1/admin/profile-templates/dancer/starter",
        json={"fields": {"bio": "Starter"}},
        headers=auth("admin", admin=True),
    )
    assert template.status_code == 201
    return ids


def _url(path: str, ids: dict[str, str]) -> str:
    path = path.replace(":str", "")
    kind = "dancer" if path.startswith("/v1/dancers") else "choreographer"
    section = path.split("{profile_id}/", 1)[-1].split("/", 1)[0]
    return (
        path.replace("{profile_id}", ids[kind])
        .replace("{storage_id}", "shot")
        .replace("{item_id}", ids.get(f"{kind}/{section}", "0" * 24))
        .replace("{record_id}", ids.get(f"{kind}/{section}", "0" * 24))
        .replace("{profile_type}", "dancer")
        .replace("{name}", "starter")
    )


def _bodies_with(operation: Any, field: str, value: Any) -> list[dict[str, Any]]:
    """The operation's valid body with `field` added wherever a client might slip it in."""
    from tests.api.test_authorization import body_for

    base = body_for(operation) or {}
    bodies = [{**base, field: value}]
    if operation.path.startswith("/v1/admin/profile-templates"):
        bodies.append({"fields": {"bio": "x", field: value}})
    if operation.path == "/v1/me":
        bodies.append({"activeProfile": {"bio": "x", field: value}})
    return bodies


async def test_every_write_operation_refuses_every_server_owned_field(
    client: Client,
    app: Any,
    raw_client: AsyncMongoClient[MongoDocument],
    settings: Settings,
) -> None:
    from tests.api.test_authorization import operations

    ids = await _seed_everything(client)
    writes = [
        op
        for op in operations(app, writes=True)
        if op.method in ("POST", "PUT", "PATCH") and "data" in _handler_parameters(app, op)
    ]
    db = raw_client[settings.db_name]

    async def snapshot() -> list[Any]:
        return [await db[name].find({}, sort=[("_id", 1)]).to_list() for name in COLLECTIONS]

    before = await snapshot()
    tried = 0
    for operation in writes:
        caller = "newcomer" if operation.path == "/v1/me/onboarding" else "owner"
        admin = operation.path.startswith("/v1/admin")
        for field, value in SERVER_OWNED.items():
            for body in _bodies_with(operation, field, value):
                response = await client.request(
                    operation.method,
                    _url(operation.path, ids),
                    json=body,
                    headers=auth("admin" if admin else caller, admin=admin),
                )
                tried += 1
                assert response.status_code == 422, (operation, field, body, response.text)
                assert response.headers["content-type"].startswith("application/problem+json")
                assert field in str(response.json()["errors"]), (operation, field)
    assert await snapshot() == before
    paths = {op.path.replace(":str", "") for op in writes}
    for expected in (
        "/v1/dancers/{profile_id}/headshots",
        "/v1/dancers/{profile_id}/links",
        "/v1/dancers/{profile_id}/resume",
        "/v1/dancers/{profile_id}/representation",
        "/v1/dancers/{profile_id}/availability/{item_id}",
        "/v1/choreographers/{profile_id}/rate-cards",
        "/v1/choreographers/{profile_id}/projects",
        "/v1/dancers/{profile_id}/training/{record_id}",
        "/v1/admin/profile-templates/{profile_type}/{name}",
        "/v1/admin/flags",
        "/v1/me",
    ):
        assert expected in paths, expected
    print(f"mass assignment: {len(writes)} write operations, {tried} requests")


def _handler_parameters(app: Any, operation: Any) -> set[str]:
    from litestar.routes import HTTPRoute

    for route in app.routes:
        if isinstance(route, HTTPRoute) and route.path == operation.path:
            handler = route.route_handler_map[operation.method][0]
            return set(handler.parsed_fn_signature.parameters)
    return set()

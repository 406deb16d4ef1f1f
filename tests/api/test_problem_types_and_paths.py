"""Problems a client can branch on: a stable `type` per kind, and the fields at fault
named by their path in the request as the client wrote it, never by a model name."""

import asyncio
from typing import Any

import pymongo

from tests.helpers import Client, auth, onboard


def _fields(problem: dict[str, Any]) -> list[str]:
    return [error["field"] for error in problem["errors"]]


async def test_each_kind_of_problem_has_its_type(client: Client) -> None:
    dancer = await onboard(client, "types")
    cases = [
        (client.get("/v1/me"), 401, "unauthorized"),
        (client.get("/v1/me", headers=auth("nobody-yet")), 404, "not-found"),
        (client.request("TRACE", "/v1/me", headers=auth("types")), 405, "method-not-allowed"),
        (
            client.patch(f"/v1/dancers/{dancer['id']}", json={"bio": 1}, headers=auth("types")),
            422,
            "invalid-input",
        ),
        (
            client.patch(
                f"/v1/dancers/{dancer['id']}",
                json={"bio": "x"},
                headers={**auth("types"), "If-Match": '"999"'},
            ),
            412,
            "stale-version",
        ),
        (
            client.patch(f"/v1/dancers/{dancer['id']}", json={"bio": "x"}, headers=auth("other")),
            403,
            "forbidden",
        ),
        (
            client.post("/v1/me/profiles", json={"profileType": "dancer"}, headers=auth("types")),
            409,
            "conflict",
        ),
    ]
    for request, status, kind in cases:
        response = await request
        assert response.status_code == status, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["type"] == f"urn:profiles:problem:{kind}"


async def test_field_paths_are_paths_of_the_body(client: Client) -> None:
    dancer = await onboard(client, "paths")
    me = await client.patch("/v1/me", json={"activeProfile": {"fooBar": 1}}, headers=auth("paths"))
    assert me.status_code == 422
    assert _fields(me.json()) == ["activeProfile.fooBar"]
    assert "DancerPatch" not in me.text and "ChoreographerPatch" not in me.text

    shot = {"storageId": "a", "url": "ftp://not-http"}
    profile = await client.patch(
        f"/v1/dancers/{dancer['id']}", json={"headshots": [shot]}, headers=auth("paths")
    )
    assert _fields(profile.json()) == ["headshots.0.url"]
    assert profile.json()["errors"][0]["source"] == "body"

    for body in ({"profileType": "juggler"}, {"displayName": "No type"}):
        response = await client.post("/v1/me/onboarding", json=body, headers=auth("new"))
        assert response.status_code == 422
        assert _fields(response.json()) == ["profileType"], response.text
        assert "dancer, choreographer" in response.json()["errors"][0]["message"]

    nested = await client.post(
        "/v1/me/onboarding",
        json={"profileType": "dancer", "headshots": [{"storageId": "s", "url": 3}]},
        headers=auth("new"),
    )
    assert _fields(nested.json()) == ["headshots.0.url"]


async def test_values_are_taken_as_their_json_type_only(client: Client) -> None:
    dancer = await onboard(client, "strict")
    path = f"/v1/dancers/{dancer['id']}"
    refused = [
        {"listed": "true"},
        {"listed": 1},
        {"attributes": {"birthYear": True}},
        {"attributes": {"birthYear": "1990"}},
        {"attributes": {"birthYear": 1990.5}},
        {"headshots": [{"storageId": "s", "url": "https://a.test/x", "uploadedAt": 0}]},
        {"headshots": [{"storageId": "s", "url": "https://a.test/x", "uploadedAt": "2024-01-01"}]},
    ]
    for body in refused:
        response = await client.patch(path, json=body, headers=auth("strict"))
        assert response.status_code == 422, (body, response.text)
    accepted = await client.patch(
        path,
        json={
            "attributes": {"birthYear": 1990.0},
            "headshots": [
                {"storageId": "s", "url": "https://a.test/x", "uploadedAt": "2024-01-01T10:00:00Z"}
            ],
        },
        headers=auth("strict"),
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["attributes"]["birthYear"] == 1990


async def test_query_parameters_are_refused_when_not_as_declared(client: Client) -> None:
    await onboard(client, "query")
    for query in ("verified=null", "verified=yes", "limit=5&limit=6", "availableTo=null"):
        response = await client.get(f"/v1/search?{query}", headers=auth("query"))
        assert response.status_code == 422, (query, response.text)
        assert response.json()["errors"][0]["source"] == "query"
    fine = await client.get("/v1/search?verified=1&facets=false", headers=auth("query"))
    assert fine.status_code == 200


async def test_options_lists_every_method_of_the_path(client: Client) -> None:
    response = await client.options("/v1/me")
    assert response.status_code == 204
    assert response.headers["allow"] == "DELETE, GET, OPTIONS, PATCH"


async def test_a_request_started_inside_another_keeps_its_own_deadline(client: Client) -> None:
    """A server may start a request from the context of the previous one (uvicorn does,
    for a request that arrived while the previous one was answered): an expired
    deadline of that context must not reach the new request."""
    await onboard(client, "isolated")
    with pymongo.timeout(0.001):
        await asyncio.sleep(0.01)  # the deadline of the context the request starts in
        response = await client.get("/v1/me", headers=auth("isolated"))
    assert response.status_code == 200, response.text

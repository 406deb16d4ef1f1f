"""Bad input gets a clear 4xx problem+json and changes nothing."""

from typing import Any

import pytest
from pymongo import AsyncMongoClient

from service.platform.config import Settings
from service.platform.db import MongoDocument
from tests.helpers import Client, auth, onboard


def headshots(count: int) -> list[dict[str, Any]]:
    return [
        {"storageId": f"s{i}", "url": f"https://cdn.example.test/{i}.jpg"} for i in range(count)
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"headshots": headshots(21)}, "headshots"),
        ({"displayName": "x" * 201}, "displayName"),
        ({"displayName": ""}, "displayName"),
        ({"bio": "x" * 5001}, "bio"),
        ({"links": [{"label": "x", "url": "javascript:alert(1)"}]}, "links.0.url"),
        ({"representationStatus": "Repped?"}, "representationStatus"),
        ({"attributes": {"birthYear": 10**30}}, "attributes.birthYear"),
        ({"attributes": {"height": {"feet": 5, "inches": 13}}}, "attributes.height.inches"),
        ({"resume": {"danceStyles": ["x"] * 51}}, "resume.danceStyles"),
        ({"listed": "yes please"}, "listed"),
        ({"bio": "nul\u0000byte"}, "bio"),
    ],
)
async def test_invalid_profile_fields_are_422_with_the_field_path(
    client: Client,
    raw_client: AsyncMongoClient[MongoDocument],
    settings: Settings,
    body: dict[str, Any],
    field: str,
) -> None:
    dancer = await onboard(client, "limits")
    response = await client.patch(f"/v1/dancers/{dancer['id']}", json=body, headers=auth("limits"))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == 422 and problem["detail"]
    assert field in [error["field"] for error in problem["errors"]], problem
    stored = await raw_client[settings.db_name].dancers.find_one({})
    assert stored is not None and stored["version"] == 1


async def test_twenty_headshots_are_fine_and_positions_are_clean(client: Client) -> None:
    dancer = await onboard(client, "many")
    shots = headshots(20)
    for index, shot in enumerate(shots):
        shot["position"] = 5 if index < 2 else 100 - index
    response = await client.patch(
        f"/v1/dancers/{dancer['id']}", json={"headshots": shots}, headers=auth("many")
    )
    assert response.status_code == 200, response.text
    positions = [shot["position"] for shot in response.json()["headshots"]]
    assert sorted(positions) == list(range(20))
    assert [s["storageId"] for s in response.json()["headshots"]] == [s["storageId"] for s in shots]
    assert positions[:2] == [0, 1]


async def test_a_body_over_the_limit_is_413(client: Client, settings: Settings) -> None:
    await onboard(client, "big")
    huge = "x" * (settings.max_body_bytes + 1)
    response = await client.patch(
        "/v1/me",
        content=f'{{"fullName": "{huge}"}}',
        headers={**auth("big"), "content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    "content",
    [b"{not json", b'{"fullName": "a\x00b"}', b'{"fullName": "\xff\xfe"}', b"[]", b'"text"'],
)
async def test_malformed_bodies_are_4xx_problems(client: Client, content: bytes) -> None:
    await onboard(client, "malformed")
    response = await client.patch(
        "/v1/me", content=content, headers={**auth("malformed"), "content-type": "application/json"}
    )
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    me = (await client.get("/v1/me", headers=auth("malformed"))).json()
    assert me["fullName"] == "Person malformed"


async def test_unknown_routes_and_methods_are_problems(client: Client) -> None:
    missing = await client.get("/v1/nothing-here", headers=auth("x"))
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    wrong = await client.post("/v1/dancers/6b0667d8283c583f1f749397", headers=auth("x"))
    assert wrong.status_code == 405
    assert wrong.headers["content-type"].startswith("application/problem+json")


async def test_onboarding_refuses_fields_of_the_other_type(client: Client) -> None:
    response = await client.post(
        "/v1/me/onboarding",
        json={"profileType": "choreographer", "sizing": {"shirt": "M"}},
        headers=auth("mixed"),
    )
    assert response.status_code == 422
    assert (await client.get("/v1/me", headers=auth("mixed"))).status_code == 404
    unknown_type = await client.post(
        "/v1/me/onboarding", json={"profileType": "teacher"}, headers=auth("mixed")
    )
    assert unknown_type.status_code == 422


def _assert_problem(response: Any, status: int | None = None) -> dict[str, Any]:
    assert 400 <= response.status_code < 500, response.text[:500]
    if status is not None:
        assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("application/problem+json")
    problem: dict[str, Any] = response.json()
    assert problem["status"] == response.status_code
    assert isinstance(problem["detail"], str) and len(problem["detail"]) > 10, problem
    return problem


@pytest.mark.parametrize("limit", ["0", "101", "-1", str(10**30), "1e3", "twenty"])
async def test_page_sizes_out_of_range_are_422(client: Client, limit: str) -> None:
    for path in ("/v1/dancers", "/v1/choreographers", "/v1/search"):
        response = await client.get(path, params={"limit": limit}, headers=auth("pager"))
        problem = _assert_problem(response, 422)
        assert "limit" in str(problem), problem


@pytest.mark.parametrize(
    ("content", "status"),
    [
        pytest.param(b"[" * 10_000 + b"]" * 10_000, None, id="nested-arrays-10000"),
        pytest.param(b'{"a":' * 10_000 + b"1" + b"}" * 10_000, None, id="nested-objects-10000"),
        pytest.param(
            b'{"attributes": {"height": ' * 1 + b'{"x":' * 5000 + b"1" + b"}" * 5002,
            None,
            id="nested-in-a-field",
        ),
        pytest.param(
            b'{"attributes": {"birthYear": ' + b"9" * 5000 + b"}}", None, id="5000-digits"
        ),
        pytest.param(b'{"attributes": {"birthYear": 1' + b"0" * 30 + b"}}", 422, id="10**30"),
        pytest.param(b'{"attributes": {"birthYear": 1e400}}', None, id="float-overflow"),
        pytest.param(b'{"bio": "\\u0000"}', 422, id="escaped-nul"),
        pytest.param(b'{"bio": "\xc3\x28"}', 400, id="invalid-utf8"),
        pytest.param(b'{"bio": "\\ud800"}', None, id="lone-surrogate"),
        pytest.param(
            b'{"links": [' + b'{"url": "https://a.test"},' * 20 + b'{"url": "https://a.test"}]}',
            422,
            id="21-links",
        ),
        pytest.param(b'{"workLocation": ["' + b"x" * 101 + b'"]}', 422, id="long-list-string"),
    ],
)
async def test_hostile_bodies_are_4xx_problems_and_change_nothing(
    client: Client,
    raw_client: AsyncMongoClient[MongoDocument],
    settings: Settings,
    content: bytes,
    status: int | None,
) -> None:
    dancer = await onboard(client, "hostile")
    response = await client.patch(
        f"/v1/dancers/{dancer['id']}",
        content=content,
        headers={**auth("hostile"), "content-type": "application/json"},
    )
    _assert_problem(response, status)
    stored = await raw_client[settings.db_name].dancers.find_one({})
    assert stored is not None and stored["version"] == 1


@pytest.mark.parametrize(
    "params",
    [
        {"q": "a\x00b"},
        {"q": "x" * 201},
        {"cursor": "x" * 2001},
        {"cursor": "not-a-cursor"},
        {"style": "s" * 101},
        {"availableFrom": "2026-02-30"},
        {"availableFrom": "2026-01-01", "availableTo": "2028-01-01"},
        {"unionMember": "maybe"},
    ],
)
async def test_hostile_query_parameters_are_4xx_problems(
    client: Client, params: dict[str, str]
) -> None:
    response = await client.get("/v1/dancers", params=params, headers=auth("querier"))
    _assert_problem(response)

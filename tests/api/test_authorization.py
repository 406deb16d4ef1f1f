"""Who may call what: generated from the app's route table, not written per route."""

import re
from dataclasses import dataclass
from typing import Any

import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute

from tests.helpers import Client, auth, expired_token, forged_token, onboard

READ_METHODS = {"GET", "HEAD", "OPTIONS"}
PUBLIC_PREFIXES = ("/health", "/metrics", "/schema")


@dataclass(frozen=True)
class Operation:
    method: str
    path: str

    def url(self, ids: dict[str, str]) -> str:
        kind = "dancer" if self.path.startswith("/v1/dancers") else "choreographer"
        path = re.sub(r"\{profile_id(:str)?\}", ids[kind], self.path)
        return re.sub(r"\{\w+(:\w+)?\}", "0" * 24, path)  # an item that need not exist


def operations(app: Litestar, *, writes: bool) -> list[Operation]:
    """Every authenticated operation of the app (writes or reads)."""
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path.startswith(PUBLIC_PREFIXES):
            continue
        for method in sorted(route.methods - {"HEAD", "OPTIONS"}):
            if (method not in READ_METHODS) == writes:
                found.append(Operation(method, route.path))
    return found


BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/v1/me/onboarding"): {"profileType": "dancer"},
    ("POST", "/v1/me/profiles"): {"profileType": "choreographer"},
    ("PUT", "/v1/me/profiles/active"): {"profileType": "dancer"},
    ("PATCH", "/v1/me"): {"fullName": "Intruder"},
}


# valid bodies of a profile's content routes, by the end of the path
CONTENT_BODIES: dict[tuple[str, str], dict[str, Any] | None] = {
    ("POST", "/headshots"): {"storageId": "s", "url": "https://img.example.test/s.jpg"},
    ("PUT", "/headshots/order"): {"storageIds": []},
    ("PUT", "/primary"): None,
    ("PUT", "/links"): {"links": []},
    ("PATCH", "/resume"): {"skills": ["Tumbling"]},
    ("PATCH", "/representation"): {"representationStatus": "seeking"},
    ("POST", "/availability"): {"start": "2026-12-01", "end": "2026-12-02"},
    ("POST", "/specialisations"): {"style": "Jazz"},
    ("POST", "/videos"): {"url": "https://video.example.test/v"},
    ("POST", "/auditions"): {"production": "Show"},
    ("POST", "/workshops"): {"title": "W", "startDate": "2027-01-01", "endDate": "2027-01-02"},
    ("POST", "/rate-cards"): {"service": "Class", "unit": "hour", "amount": 50},
    ("POST", "/portfolio"): {"title": "Work"},
    ("POST", "/projects"): {"title": "Project"},
    ("POST", "/training"): {"name": "Training"},
}


def body_for(operation: Operation) -> dict[str, Any] | None:
    if operation.method not in ("PATCH", "PUT", "POST"):
        return None
    if (operation.method, operation.path) in BODIES:
        return BODIES[(operation.method, operation.path)]
    for (method, suffix), body in CONTENT_BODIES.items():
        if method == operation.method and operation.path.endswith(suffix):
            return body
    if operation.method == "PATCH" and re.search(r"\{\w+(:\w+)?\}$", operation.path):
        return {}  # an empty merge patch of one item
    return {"bio": "changed by someone"}


@pytest.fixture
async def victim_ids(client: Client) -> dict[str, str]:
    dancer = await onboard(client, "victim")
    choreographer = await client.post(
        "/v1/me/profiles", json={"profileType": "choreographer"}, headers=auth("victim")
    )
    await onboard(client, "intruder")
    return {"dancer": dancer["id"], "choreographer": choreographer.json()["id"]}


def test_the_route_table_has_the_write_operations_of_the_contract(app: Litestar) -> None:
    found = {(op.method, op.path.replace(":str", "")) for op in operations(app, writes=True)}
    assert {
        ("PATCH", "/v1/me"),
        ("POST", "/v1/me/onboarding"),
        ("POST", "/v1/me/profiles"),
        ("PUT", "/v1/me/profiles/active"),
        ("PATCH", "/v1/dancers/{profile_id}"),
        ("DELETE", "/v1/dancers/{profile_id}"),
        ("PATCH", "/v1/choreographers/{profile_id}"),
        ("DELETE", "/v1/choreographers/{profile_id}"),
        ("PUT", "/v1/choreographers/{profile_id}/verification"),
        ("DELETE", "/v1/choreographers/{profile_id}/verification"),
    } <= found


@pytest.mark.parametrize(
    "credentials",
    ["none", "expired", "forged", "alg-none", "garbage", "no-sub"],
)
async def test_every_operation_needs_a_valid_token(
    client: Client, app: Litestar, victim_ids: dict[str, str], credentials: str
) -> None:
    headers = {
        "none": {},
        "expired": {"Authorization": f"Bearer {expired_token('victim')}"},
        "forged": {"Authorization": f"Bearer {forged_token('victim')}"},
        "alg-none": {"Authorization": f"Bearer {_unsigned_token('victim')}"},
        "garbage": {"Authorization": "Bearer not.a.token"},
        "no-sub": {"Authorization": f"Bearer {_token_without_sub()}"},
    }[credentials]
    for operation in operations(app, writes=True) + operations(app, writes=False):
        response = await client.request(
            operation.method, operation.url(victim_ids), json=body_for(operation), headers=headers
        )
        assert response.status_code == 401, (operation, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    me = await client.get("/v1/me", headers=auth("victim"))
    assert me.json()["fullName"] == "Person victim"


async def test_another_user_cannot_write_someone_elses_profiles(
    client: Client, app: Litestar, victim_ids: dict[str, str]
) -> None:
    profile_operations = [op for op in operations(app, writes=True) if "{profile_id" in op.path]
    assert len(profile_operations) >= 6
    for operation in profile_operations:
        response = await client.request(
            operation.method,
            operation.url(victim_ids),
            json=body_for(operation),
            headers=auth("intruder"),
        )
        assert response.status_code == 403, (operation, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    for kind, profile_id in victim_ids.items():
        profile = await client.get(f"/v1/{kind}s/{profile_id}", headers=auth("victim"))
        assert profile.status_code == 200
        assert profile.json()["bio"] is None
        assert profile.json()["version"] == 1


async def test_owner_cannot_verify_themselves_but_admin_can_edit_anyone(
    client: Client, victim_ids: dict[str, str]
) -> None:
    path = f"/v1/choreographers/{victim_ids['choreographer']}"
    assert (await client.put(f"{path}/verification", headers=auth("victim"))).status_code == 403
    edited = await client.patch(path, json={"bio": "fixed by admin"}, headers=auth("a", admin=True))
    assert edited.status_code == 200
    assert edited.json()["bio"] == "fixed by admin"


def _unsigned_token(sub: str) -> str:
    import base64
    import json
    import time

    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    claims = {"sub": sub, "exp": int(time.time()) + 600, "roles": ["admin"]}
    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


def _token_without_sub() -> str:
    import time

    import jwt

    from tests.helpers import TEST_SECRET

    return jwt.encode({"exp": int(time.time()) + 600}, TEST_SECRET, "HS256")

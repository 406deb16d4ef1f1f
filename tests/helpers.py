"""Helpers for tests: tokens and common calls."""

import time
from typing import Any

import jwt
from litestar import Litestar
from litestar.testing import AsyncTestClient

from migrations.scripts import listed
from service.platform.readiness import ExpectedMigrations
from service.platform.tokens import issue_token

TEST_SECRET = "test-secret-of-at-least-thirty-two-bytes-0123456789"
EXPECTED_MIGRATIONS = ExpectedMigrations.of((s.version, s.destructive) for s in listed())
"""What the app expects of the database, as `profiles serve` lists it."""

Client = AsyncTestClient[Litestar]


def token(sub: str, *, admin: bool = False, ttl: int = 600, secret: str = TEST_SECRET) -> str:
    """A valid bearer token for `sub`."""
    return issue_token(secret, sub, ["admin"] if admin else [], ttl)


def auth(sub: str, *, admin: bool = False) -> dict[str, str]:
    """Authorization headers for `sub`."""
    return {"Authorization": f"Bearer {token(sub, admin=admin)}"}


def expired_token(sub: str) -> str:
    """A token whose `exp` has passed."""
    now = int(time.time())
    return jwt.encode({"sub": sub, "iat": now - 120, "exp": now - 60}, TEST_SECRET, "HS256")


def forged_token(sub: str) -> str:
    """A token signed with another secret."""
    return token(sub, secret="another-secret-of-at-least-thirty-two-bytes-xx")


async def onboard(
    client: Client, sub: str, profile_type: str = "dancer", **fields: Any
) -> dict[str, Any]:
    """Onboard `sub` with a first profile; return the profile."""
    body = {"profileType": profile_type, "fullName": f"Person {sub}", **fields}
    response = await client.post("/v1/me/onboarding", json=body, headers=auth(sub))
    assert response.status_code in (200, 201), response.text
    profile: dict[str, Any] = response.json()
    return profile

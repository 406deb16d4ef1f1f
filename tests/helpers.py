"""Helpers for tests: tokens and common calls."""

import os
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import jwt
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from pymongo.errors import ConnectionFailure

from migrations.scripts import listed
from service.platform.readiness import ExpectedMigrations
from service.platform.tokens import issue_token

T = TypeVar("T")

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


CONNECTION_TRIES = 3


async def again_after_a_dropped_connection(call: Callable[[], Awaitable[T]]) -> T:
    """`call()`, tried again (up to `CONNECTION_TRIES` in all) after a dropped connection.
    Litestar's `AsyncTestClient` blocks the test's event loop while the app answers a
    request, so after a long run of requests a client of the test may find its
    connections interrupted (its monitor's heartbeat was not read in time)."""
    for _ in range(CONNECTION_TRIES - 1):
        try:
            return await call()
        except ConnectionFailure:
            continue
    return await call()


def only_settings(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    """A `profiles` command run in process sees no `PROFILES_*` setting of the
    environment but `data_dir` as its data directory (the test sets the rest)."""
    for name in list(os.environ):
        if name.startswith("PROFILES_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("PROFILES_DATA_DIR", str(data_dir))


def metric_sample(text: str, name: str, **labels: str) -> float | None:
    """The value, in a `/metrics` page, of the series `name` whose labels include
    `labels`, if any."""
    for line in text.splitlines():
        if not line.startswith(name + "{") and line.split(" ")[0] != name:
            continue
        series, value = line.rsplit(" ", 1)
        if all(f'{key}="{wanted}"' in series for key, wanted in labels.items()):
            return float(value)
    return None

"""Reads under `/v1` are limited per caller: a burst, then a rate; 429 with Retry-After."""

from collections.abc import AsyncIterator

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.rate_limit import TokenBuckets
from service.platform.config import Settings
from service.platform.db import Database
from tests.helpers import EXPECTED_MIGRATIONS, auth

PATH = "/v1/dance-styles"


@pytest.fixture
async def limited(
    settings: Settings, database: Database
) -> AsyncIterator[AsyncTestClient[Litestar]]:
    """The app with a burst of 3 requests per caller, then one every 10 seconds (slow
    enough that no token comes back while a test runs)."""
    changes = {"rate_limit_per_second": 0.1, "rate_limit_burst": 3}
    app = create_app(settings.model_copy(update=changes), expected_migrations=EXPECTED_MIGRATIONS)
    async with AsyncTestClient(app=app) as client:
        yield client


async def test_a_caller_over_the_limit_gets_429_and_others_do_not(
    limited: AsyncTestClient[Litestar],
) -> None:
    statuses = [(await limited.get(PATH, headers=auth("greedy"))).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]

    refused = await limited.get(PATH, headers=auth("greedy"))

    assert refused.status_code == 429
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.json()["status"] == 429 and "retry" in refused.json()["detail"]
    assert (await limited.get(PATH, headers=auth("patient"))).status_code == 200
    assert (await limited.get(PATH, headers=auth("greedy", admin=True))).status_code == 429


async def test_writes_health_and_schema_are_not_limited(limited: AsyncTestClient[Litestar]) -> None:
    for _ in range(6):
        assert (await limited.get("/health/live")).status_code == 200
        assert (await limited.get("/schema/openapi.json")).status_code == 200
    for _ in range(6):
        response = await limited.post(
            "/v1/me/onboarding",
            json={"profileType": "dancer", "fullName": "Writer"},
            headers=auth("writer"),
        )
        assert response.status_code in (200, 201)


async def test_invalid_tokens_are_refused_before_they_are_counted(
    limited: AsyncTestClient[Litestar],
) -> None:
    for _ in range(6):
        assert (await limited.get(PATH, headers={"Authorization": "Bearer x"})).status_code == 401
    assert (await limited.get(PATH, headers=auth("someone"))).status_code == 200


async def test_the_limit_can_be_switched_off(settings: Settings, database: Database) -> None:
    app = create_app(
        settings.model_copy(update={"rate_limit_per_second": 0}),
        expected_migrations=EXPECTED_MIGRATIONS,
    )
    async with AsyncTestClient(app=app) as client:
        for _ in range(30):
            assert (await client.get(PATH, headers=auth("unlimited"))).status_code == 200


def test_buckets_refill_at_the_rate() -> None:
    buckets = TokenBuckets(rate=2.0, burst=2.0)

    assert [buckets.take("a", 100.0) for _ in range(2)] == [0.0, 0.0]
    assert buckets.take("a", 100.0) == pytest.approx(0.5)
    assert buckets.take("a", 100.5) == 0.0  # one token back after half a second
    assert buckets.take("b", 100.5) == 0.0
    assert buckets.take("a", 110.0) == 0.0 and buckets.buckets["a"][0] == pytest.approx(1.0)

"""Reads under `/v1` are limited per caller: a burst, then a rate; 429 with Retry-After.
Searches have a lower budget of their own."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.rate_limit import TokenBuckets, rate_limit_config
from service.platform.config import Settings
from service.platform.db import Database
from tests.helpers import EXPECTED_MIGRATIONS, auth, metric_sample

PATH = "/v1/dance-styles"
PROFILE_BY_ID = "/v1/dancers/000000000000000000000000"  # a read, not a search (404 here)


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


def _quota(response: Any) -> tuple[int, int, int]:
    """The response's `RateLimit-Limit`, `-Remaining` and `-Reset`."""
    headers = response.headers
    return (
        int(headers["ratelimit-limit"]),
        int(headers["ratelimit-remaining"]),
        int(headers["ratelimit-reset"]),
    )


async def test_answers_say_what_is_left_until_the_429_says_when_to_come_back(
    limited: AsyncTestClient[Litestar],
) -> None:
    """Burst 3, one token every 10 s: each answer has one request less left and longer
    to wait until the bucket is full; the 429 has none left and says so too."""
    answers = [await limited.get(PATH, headers=auth("counted")) for _ in range(3)]
    assert [answer.status_code for answer in answers] == [200, 200, 200]
    assert [_quota(answer) for answer in answers] == [(3, 2, 10), (3, 1, 20), (3, 0, 30)]

    refused = await limited.get(PATH, headers=auth("counted"))
    assert refused.status_code == 429
    limit, remaining, reset = _quota(refused)
    assert (limit, remaining) == (3, 0) and 29 <= reset <= 30
    assert 9 <= int(refused.headers["retry-after"]) <= 10

    # a problem answer of a counted request says it as well; other callers are apart
    missing = await limited.get(PROFILE_BY_ID, headers=auth("another"))
    assert missing.status_code == 404 and _quota(missing) == (3, 2, 10)
    # uncounted requests carry none: health checks, writes
    assert "ratelimit-limit" not in (await limited.get("/health/live")).headers
    written = await limited.post(
        "/v1/me/onboarding",
        json={"profileType": "dancer", "fullName": "Writer"},
        headers=auth("counted"),
    )
    assert written.status_code == 201 and "ratelimit-limit" not in written.headers


async def test_the_document_declares_the_headers_the_answers_carry(
    limited: AsyncTestClient[Litestar],
) -> None:
    """Optional on a counted operation's answers (the limit may be off), required on a
    429, absent where nothing is counted."""
    document = (await limited.get("/schema/openapi.json")).json()
    names = {"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"}
    components = document["components"]
    declared = document["paths"]["/v1/dance-styles"]["get"]["responses"]["200"]["headers"]
    assert names <= set(declared)
    optional = [declared[name]["$ref"].rsplit("/", 1)[-1] for name in names]
    assert not any(components["headers"][each]["required"] for each in optional)
    too_many = components["responses"]["Problem429"]["headers"]
    required = [too_many[name]["$ref"].rsplit("/", 1)[-1] for name in names]
    assert all(components["headers"][each]["required"] for each in required)
    assert not names & set(components["responses"]["Problem401"]["headers"])
    writes = document["paths"]["/v1/me"]["patch"]["responses"]["200"]["headers"]
    assert not names & set(writes)


async def test_searches_report_their_own_bucket(settings: Settings, database: Database) -> None:
    slow = {"rate_limit_per_second": 0.1, "rate_limit_burst": 3}
    searches = {"rate_limit_search_per_second": 0.5, "rate_limit_search_burst": 4}
    async with app_with(settings, **slow, **searches) as client:
        first = await client.get("/v1/dancers?facets=true", headers=auth("finder"))
        assert _quota(first) == (4, 2, 4)  # facets cost two tokens; 2 s each to refill
        assert _quota(await client.get(PATH, headers=auth("finder"))) == (3, 2, 10)


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

    assert [buckets.take("a", 100.0) for _ in range(2)] == [(0.0, 1.0), (0.0, 0.0)]
    assert buckets.take("a", 100.0) == pytest.approx((0.5, 0.0))
    assert buckets.take("a", 100.5) == pytest.approx((0.0, 0.0))  # one back in half a second
    assert buckets.take("b", 100.5) == (0.0, 1.0)
    assert buckets.take("a", 110.0) == (0.0, 1.0) and buckets.buckets["a"][0] == pytest.approx(1.0)


def test_the_headers_say_the_burst_what_is_left_and_when_the_bucket_is_full() -> None:
    buckets = TokenBuckets(rate=0.5, burst=4.0)

    assert dict(buckets.headers(4.0)) == {
        "RateLimit-Limit": "4",
        "RateLimit-Remaining": "4",
        "RateLimit-Reset": "0",
    }
    # 1.5 tokens left: one whole request, and 2.5 tokens to refill at 0.5 a second
    assert dict(buckets.headers(1.5)) == {
        "RateLimit-Limit": "4",
        "RateLimit-Remaining": "1",
        "RateLimit-Reset": "5",
    }


@asynccontextmanager
async def app_with(settings: Settings, **changes: Any) -> AsyncIterator[AsyncTestClient[Litestar]]:
    """The app with these settings changed."""
    app = create_app(settings.model_copy(update=changes), expected_migrations=EXPECTED_MIGRATIONS)
    async with AsyncTestClient(app=app) as client:
        yield client


async def _statuses(client: AsyncTestClient[Litestar], sub: str, *paths: str) -> list[int]:
    return [(await client.get(path, headers=auth(sub))).status_code for path in paths]


async def test_searches_spend_a_lower_budget_of_their_own(
    settings: Settings, database: Database
) -> None:
    slow = {"rate_limit_per_second": 0.1, "rate_limit_burst": 3}
    searches = {"rate_limit_search_per_second": 0.1, "rate_limit_search_burst": 2}
    async with app_with(settings, **slow, **searches) as client:
        assert await _statuses(client, "seeker", "/v1/search?q=ana", "/v1/dancers") == [200, 200]
        refused = await client.get("/v1/choreographers", headers=auth("seeker"))
        assert refused.status_code == 429
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert int(refused.headers["retry-after"]) >= 1
        assert "searches" in refused.json()["detail"]

        # the other reads have their whole budget: searching spent none of it
        reads = await _statuses(client, "seeker", PATH, PROFILE_BY_ID, PATH, PATH)
        assert reads == [200, 404, 200, 429]
        assert await _statuses(client, "other-seeker", "/v1/search") == [200]


async def test_a_search_with_facets_costs_two(settings: Settings, database: Database) -> None:
    searches = {"rate_limit_search_per_second": 0.1, "rate_limit_search_burst": 3}
    async with app_with(settings, **searches) as client:
        with_facets = "/v1/dancers?facets=true"
        assert await _statuses(client, "counter", with_facets, with_facets) == [200, 429]
        assert await _statuses(client, "counter", "/v1/dancers", "/v1/dancers") == [200, 429]
        assert await _statuses(client, "lister", *["/v1/dancers"] * 4) == [200, 200, 200, 429]


async def test_without_the_search_limit_searches_count_as_reads(
    settings: Settings, database: Database
) -> None:
    changes = {
        "rate_limit_per_second": 0.1,
        "rate_limit_burst": 3,
        "rate_limit_search_per_second": 0,
    }
    async with app_with(settings, **changes) as client:
        statuses = await _statuses(client, "reader", "/v1/search", PATH, "/v1/dancers", PATH)
        assert statuses == [200, 200, 200, 429]


def test_which_limits_apply() -> None:
    assert rate_limit_config(0, search_per_second=0) is None
    only_searches = rate_limit_config(0, search_per_second=5)
    assert only_searches is not None and only_searches.buckets is None
    assert only_searches.search_buckets is not None and only_searches.search_buckets.burst == 25
    both = rate_limit_config(20, search_per_second=5, search_burst=7)
    assert both is not None and both.buckets is not None and both.buckets.burst == 100
    assert both.search_buckets is not None and both.search_buckets.burst == 7


def test_a_cost_above_the_burst_is_capped_at_the_burst() -> None:
    buckets = TokenBuckets(rate=1.0, burst=1.0)

    assert buckets.take("a", 100.0, cost=2.0) == (0.0, 0.0)  # a full bucket lets it pass
    assert buckets.take("a", 100.0, cost=2.0) == pytest.approx((1.0, 0.0))


async def test_the_request_metrics_count_a_429_as_a_429(
    limited: AsyncTestClient[Litestar],
) -> None:
    """The rate limit refuses by raising: a middleware around it would count the refusal
    as a 200 (Litestar's Prometheus middleware does); it is counted as what it answered."""
    before = (await limited.get("/metrics")).text
    statuses = [(await limited.get(PATH, headers=auth("counted"))).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    limited.app.state.metrics_page.expire()
    text = (await limited.get("/metrics")).text

    def grew(status: str) -> float:
        labels = {"method": "GET", "path": PATH, "status_code": status}
        now = metric_sample(text, "profiles_requests_total", **labels) or 0
        return now - (metric_sample(before, "profiles_requests_total", **labels) or 0)

    assert (grew("200"), grew("429")) == (3, 2)

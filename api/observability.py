"""Operations: request ids, and `/metrics` in the Prometheus text format.

Request ids: `X-Request-ID` is taken from the request when it is safe (at most 100
letters, digits, `.`, `_`, `:`, `-`), else made (uuid4 hex); it is set for the logging of
the request (every line carries it, the access log's included) and echoed on every
response, errors included.

Metrics: Litestar's Prometheus middleware counts requests and times them by method, route
template and status (`profiles_requests_total`, `profiles_request_duration_seconds`, ...).
It runs once a route is found, inside the JWT middleware and the rate limit, and counts
an exception raised by a middleware inside it as a 200: the answers it never sees (a
token refused, 401; a read over the rate limit, 429; a path no route takes, 404 under the
path `(no route)`) are counted in the same series by `count_unseen`, around everything;
`/metrics` adds the migrations pending and applied and the time the database takes to
answer a ping, measured at most every `METRICS_REFRESH_SECONDS` however often it is
scraped; the page itself is rendered at most every `PAGE_SECONDS` (one rendering at a
time), so a burst of scrapes costs little more than as many requests answering a
constant. With `PROFILES_METRICS_TOKEN` set, it answers only that bearer token.
"""

import asyncio
import hmac
import math
import re
import time
from collections.abc import Callable
from typing import Any, cast

import pymongo
from litestar import Request, get
from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.exceptions import NotAuthorizedException
from litestar.plugins.prometheus import (
    PrometheusConfig,
    PrometheusController,
    PrometheusMiddleware,
)
from litestar.response import Response
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Gauge, generate_latest

from service.platform.db import Database
from service.platform.logs import accepted_request_id, request_id_var
from service.platform.readiness import ExpectedMigrations, applied_migrations

REQUEST_ID_HEADER = "X-Request-ID"
_SCOPE_KEY = "profiles_request_id"


def request_id_middleware(app: ASGIApp) -> ASGIApp:
    """ASGI middleware: the request id of each HTTP request, for the logs and the reply
    (around everything Litestar does for the request, so that the lines of its routing,
    authentication and error handling carry it too)."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP:
            # not reset afterwards: each request has a task and context of its own
            request_id_var.set(request_id_of(scope))
        await app(scope, receive, send)

    return middleware


def request_id_of(scope: Scope) -> str:
    """The request id of this request: decided once, kept in the scope."""
    scope_dict = cast(dict[str, Any], scope)
    request_id: str | None = scope_dict.get(_SCOPE_KEY)
    if request_id is None:
        offered = None
        for name, value in scope.get("headers", ()):
            if name.lower() == b"x-request-id":
                offered = value.decode("latin-1")
                break
        request_id = scope_dict[_SCOPE_KEY] = accepted_request_id(offered)
    return request_id


async def echo_request_id(message: Message, scope: Scope) -> None:
    """`before_send` hook: the request id on every response, errors included (the auth
    middleware's 401, an unknown route's 404)."""
    if message["type"] == "http.response.start":
        MutableScopeHeaders.from_message(message)[REQUEST_ID_HEADER] = request_id_of(scope)


class Answer:
    """The answer to a request, as it goes out through `send`: its status, once sent."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.status: int | None = None
        """None until the answer starts (and for good when the client left before)."""

    async def send(self, message: Message) -> None:
        """The server's `send`, noting the status."""
        if message["type"] == "http.response.start":
            self.status = message["status"]
        await self._send(message)


_COUNTED = "profiles_counted"
NO_ROUTE = "(no route)"
"""The `path` of a request no route took (never the raw path: any client could make up
as many series as it likes)."""


class NotingPrometheusMiddleware(PrometheusMiddleware):
    """Litestar's Prometheus middleware, noting in the scope that it counted the request."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        cast(dict[str, Any], scope)[_COUNTED] = True
        await super().__call__(scope, receive, send)


def prometheus_config() -> PrometheusConfig:
    """Request counts and latencies by method, route template (not the raw path: ids
    would explode the number of series) and status."""
    return PrometheusConfig(
        app_name="profiles",
        prefix="profiles",
        group_path=True,
        exclude=["^/metrics"],
        middleware_class=NotingPrometheusMiddleware,
    )


def count_unseen(config: PrometheusConfig) -> Callable[[ASGIApp], ASGIApp]:
    """ASGI middleware around everything Litestar does for a request: an answer the
    Prometheus middleware of `config` did not count (the JWT middleware's 401, the rate
    limit's 429, the router's 404 and 405, which come before it) is counted and timed in
    its series, by
    method, route template (`NO_ROUTE` when there is none) and status."""
    metrics = NotingPrometheusMiddleware(app=_nothing, config=config)
    excluded = [re.compile(pattern) for pattern in _patterns(config.exclude)]

    def wrap(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != ScopeType.HTTP or any(p.match(scope["path"]) for p in excluded):
                await app(scope, receive, send)
                return
            started = time.perf_counter()
            answer = Answer(send)
            try:
                await app(scope, receive, answer.send)
            finally:
                fields = cast(dict[str, Any], scope)
                if answer.status is not None and not fields.get(_COUNTED):
                    labels: dict[str, str | int | float] = {
                        "method": scope["method"],
                        "path": fields.get("path_template") or NO_ROUTE,
                        "status_code": answer.status,
                        "app_name": config.app_name,
                    }
                    values = list(labels.values())
                    metrics.request_count(labels).labels(*values).inc()
                    seconds = time.perf_counter() - started
                    metrics.request_time(labels).labels(*values).observe(seconds)

        return middleware

    return wrap


def _patterns(exclude: str | list[str] | None) -> list[str]:
    if exclude is None:
        return []
    return [exclude] if isinstance(exclude, str) else list(exclude)


async def _nothing(scope: Scope, receive: Receive, send: Send) -> None:
    """The app behind the middleware `count_unseen` takes its metrics from (never run)."""


MIGRATIONS_PENDING = Gauge(
    "profiles_migrations_pending", "Non-destructive migrations not yet applied"
)
MIGRATIONS_APPLIED = Gauge("profiles_migrations_applied", "Migrations applied")
DATABASE_PING_SECONDS = Gauge(
    "profiles_database_ping_seconds", "Time the database took to answer a ping (NaN: no answer)"
)
DATABASE_UP = Gauge("profiles_database_up", "1 when the database answered the last scrape's ping")


async def measure_database(database: Database, expected: ExpectedMigrations) -> None:
    """Set the database gauges, bounded by the client's server selection timeout."""
    timeout = database.client.options.server_selection_timeout
    try:
        with pymongo.timeout(timeout):
            started = time.perf_counter()
            await database.ping()
            DATABASE_PING_SECONDS.set(time.perf_counter() - started)
            DATABASE_UP.set(1)
            applied = await applied_migrations(database)
    except pymongo.errors.PyMongoError:
        DATABASE_PING_SECONDS.set(float("nan"))
        DATABASE_UP.set(0)
        return
    MIGRATIONS_APPLIED.set(sum(1 for version in expected.known if version in applied))
    MIGRATIONS_PENDING.set(sum(1 for version in expected.required if version not in applied))


METRICS_REFRESH_SECONDS = 5.0
"""The database gauges are measured at most this often, whatever the scrape rate."""
PAGE_SECONDS = 1.0
"""The page a scrape answers is rendered at most this often: scrapes in between answer
the same bytes (counters at most this old; Prometheus scrapes every 15 s or more)."""


class MetricsPage:
    """The rendered `/metrics` page and when it was rendered; when the database gauges
    were last measured; one rendering at a time (scrapes arriving meanwhile wait for it
    and answer what it rendered)."""

    def __init__(
        self, refresh_seconds: float = METRICS_REFRESH_SECONDS, page_seconds: float = PAGE_SECONDS
    ) -> None:
        self.refresh_seconds = refresh_seconds
        self.page_seconds = page_seconds
        self.measured_at = -math.inf
        self.rendered_at = -math.inf
        self.page = b""
        self.lock = asyncio.Lock()

    def expire(self) -> None:
        """Render (and measure the database) on the next scrape."""
        self.measured_at = self.rendered_at = -math.inf

    async def current(self, database: Database, expected: ExpectedMigrations) -> bytes:
        """The page, rendered now unless it was less than `page_seconds` ago, with the
        database measured first unless it was less than `refresh_seconds` ago."""
        if time.monotonic() - self.rendered_at < self.page_seconds:
            return self.page
        async with self.lock:
            if time.monotonic() - self.rendered_at < self.page_seconds:
                return self.page
            if time.monotonic() - self.measured_at >= self.refresh_seconds:
                await measure_database(database, expected)
                self.measured_at = time.monotonic()
            self.page = generate_latest(REGISTRY)
            self.rendered_at = time.monotonic()
            return self.page


def metrics_token_matches(offered: str | None, token: str | None) -> bool:
    """Without a configured token anyone inside may scrape; with one, `Authorization:
    Bearer <token>` (compared in constant time)."""
    if token is None:
        return True
    expected = f"Bearer {token}".encode()
    return offered is not None and hmac.compare_digest(offered.encode(), expected)


class MetricsController(PrometheusController):
    """`GET /metrics`: counters, and database gauges measured at most every few seconds.
    No JWT (like `/health`); with `PROFILES_METRICS_TOKEN` set, that bearer token."""

    path = "/metrics"

    @get(exclude_from_auth=True, include_in_schema=False)
    async def get(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        # the database and the expected migrations from the app's state, not as
        # dependencies: two dependencies are resolved in a task group of their own, which
        # would cost a scrape more than the rest of its work
        state = request.app.state
        if not metrics_token_matches(request.headers.get("authorization"), state.metrics_token):
            raise NotAuthorizedException("send the metrics token: Authorization: Bearer <token>")
        page = await state.metrics_page.current(state.database, state.expected_migrations)
        return Response(page, status_code=200, headers={"Content-Type": CONTENT_TYPE_LATEST})

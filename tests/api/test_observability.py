"""Operations: `/metrics`, request ids in replies and logs, JSON log lines, the access
log."""

import asyncio
import io
import json
import logging
import re

import pytest
from litestar.testing import AsyncTestClient
from pydantic import SecretStr

from api.app import create_app
from service.platform.config import Settings
from service.platform.db import Database
from service.platform.logs import JsonFormatter, RequestIdFilter, make_handler
from tests.api.deadline_helpers import CommandRecorder
from tests.helpers import EXPECTED_MIGRATIONS, Client, auth, metric_sample, onboard, token


async def test_metrics_count_requests_by_route_and_status_and_report_the_database(
    client: Client,
) -> None:
    dancer = await onboard(client, "metered")
    before = (await client.get("/metrics")).text
    path = f"/v1/dancers/{dancer['id']}"
    for _ in range(3):
        assert (await client.get(path, headers=auth("metered"))).status_code == 200
    missing = "/v1/dancers/000000000000000000000000"
    assert (await client.get(missing, headers=auth("metered"))).status_code == 404

    cached = await client.get("/metrics")  # rendered at most every PAGE_SECONDS
    assert cached.text == before
    client.app.state.metrics_page.expire()
    response = await client.get("/metrics")  # no token needed, like /health
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    route = "/v1/dancers/{profile_id}"
    ok = {"path": route, "status_code": "200", "method": "GET"}
    grew = (metric_sample(text, "profiles_requests_total", **ok) or 0) - (
        metric_sample(before, "profiles_requests_total", **ok) or 0
    )
    assert grew == 3
    assert metric_sample(text, "profiles_requests_total", path=route, status_code="404") is not None
    assert metric_sample(text, "profiles_request_duration_seconds_count", **ok) is not None
    assert metric_sample(text, "profiles_migrations_pending") == 0
    applied = metric_sample(text, "profiles_migrations_applied")
    assert applied is not None and applied >= 7
    ping = metric_sample(text, "profiles_database_ping_seconds")
    assert ping is not None and 0 < ping < 5
    assert metric_sample(text, "profiles_database_up") == 1
    assert "/metrics" not in {m for m in re.findall(r'path="([^"]*)"', text)}


async def test_answers_before_any_route_runs_are_counted_too(client: Client) -> None:
    """A token refused by the JWT middleware (401) and a path no route takes (404) come
    before Litestar's Prometheus middleware: they are counted in the same series, once,
    the unknown path under `(no route)`, never as itself."""
    before = (await client.get("/metrics")).text
    assert (await client.get("/v1/me")).status_code == 401
    assert (
        await client.get("/v1/me", headers={"Authorization": "Bearer x.y.z"})
    ).status_code == 401
    made_up = "/v1/made-up-path-7d1f"
    assert (await client.get(made_up)).status_code == 404
    assert (await client.get("/v1/me", headers=auth("counted-once"))).status_code == 404
    client.app.state.metrics_page.expire()
    text = (await client.get("/metrics")).text

    def grew(**labels: str) -> float:
        now = metric_sample(text, "profiles_requests_total", method="GET", **labels) or 0
        return now - (metric_sample(before, "profiles_requests_total", method="GET", **labels) or 0)

    assert grew(path="/v1/me", status_code="401") == 2
    assert grew(path="(no route)", status_code="404") == 1
    assert grew(path="/v1/me", status_code="404") == 1  # counted by Litestar's, not twice
    assert made_up not in text
    timed = {"method": "GET", "path": "/v1/me", "status_code": "401"}
    assert metric_sample(text, "profiles_request_duration_seconds_count", **timed)


async def test_a_request_id_is_echoed_or_made_and_is_in_the_logs(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    given = "req-1234.abc:XYZ_9"
    echoed = await client.get("/health/live", headers={"X-Request-ID": given})
    assert echoed.headers["x-request-id"] == given

    made = await client.get("/health/live")
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["x-request-id"])
    for unsafe in ("a" * 101, "has space", "semi;colon", "<script>"):
        replaced = await client.get("/health/live", headers={"X-Request-ID": unsafe})
        assert replaced.headers["x-request-id"] != unsafe
        assert re.fullmatch(r"[0-9a-f]{32}", replaced.headers["x-request-id"])

    # errors carry it too: 401 from the auth middleware, 404 of an unknown route
    denied = await client.get("/v1/me", headers={"X-Request-ID": "denied-1"})
    assert denied.status_code == 401 and denied.headers["x-request-id"] == "denied-1"
    nowhere = await client.get("/no/such/route", headers={"X-Request-ID": "nowhere-1"})
    assert nowhere.status_code == 404 and "x-request-id" in nowhere.headers

    # a line logged while handling a request carries its id: a 503 logs a warning
    stream = io.StringIO()
    handler = make_handler("text", stream)
    logging.getLogger().addHandler(handler)
    try:
        with caplog.at_level(logging.INFO):
            await client.get("/health/live", headers={"X-Request-ID": "logged-42"})
            logging.getLogger("profiles.test").info("outside a request handler")
            from api.errors import from_database_error
            from service.platform.logs import request_id_var

            token = request_id_var.set("inside-7")
            try:
                from pymongo.errors import ExecutionTimeout

                from_database_error(ExecutionTimeout("slow", 50))
            finally:
                request_id_var.reset(token)
    finally:
        logging.getLogger().removeHandler(handler)
    assert "[inside-7] database unavailable" in stream.getvalue()


async def test_the_request_id_reaches_log_lines_written_by_a_handler(
    client: Client, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A line logged by code a handler calls carries the id of the request."""
    from service.platform.readiness import ExpectedMigrations
    from service.platform.readiness import check_ready as original

    async def logging_check(database: Database, expected: ExpectedMigrations) -> None:
        logging.getLogger("profiles.api").warning("checking readiness")
        await original(database, expected)

    monkeypatch.setattr("api.controllers.health.check_ready", logging_check)
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.WARNING, logger="profiles"):
        response = await client.get("/health/ready", headers={"X-Request-ID": "probe-77"})
    assert response.status_code == 200
    lines = [r for r in caplog.records if r.getMessage() == "checking readiness"]
    assert [getattr(r, "request_id", None) for r in lines] == ["probe-77"]


def test_json_log_lines_are_one_object_each_with_the_request_id() -> None:
    from service.platform.logs import request_id_var

    stream = io.StringIO()
    handler = make_handler("json", stream)
    logger = logging.getLogger("profiles.jsontest")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    token = request_id_var.set("json-1")
    try:
        logger.info("hello %s", "world")
        try:
            raise ValueError("boom")
        except ValueError:
            logger.exception("it failed")
    finally:
        request_id_var.reset(token)
        logger.removeHandler(handler)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert set(first) == {"time", "level", "logger", "message", "request_id"}
    assert first["message"] == "hello world" and first["level"] == "INFO"
    assert first["logger"] == "profiles.jsontest" and first["request_id"] == "json-1"
    assert second["level"] == "ERROR" and "ValueError: boom" in second["exc_info"]
    assert isinstance(JsonFormatter().format(logging.makeLogRecord({"msg": "x"})), str)


async def test_scrapes_measure_the_database_at_most_every_few_seconds(
    recorder: CommandRecorder, settings: Settings, database: Database
) -> None:
    """A burst of scrapes reads the database once; after `METRICS_REFRESH_SECONDS` (here:
    once the page is expired), the next scrape measures again."""

    def measurements() -> int:
        return sum(
            1
            for _, _, command in recorder.commands
            if command.get("find") == "migration_state"
            and command.get("filter") == {"status": "applied"}
        )

    app = create_app(settings, expected_migrations=EXPECTED_MIGRATIONS)
    async with AsyncTestClient(app=app) as client:
        before = measurements()
        scrapes = await asyncio.gather(*(client.get("/metrics") for _ in range(20)))
        assert {response.status_code for response in scrapes} == {200}
        assert measurements() - before == 1
        app.state.metrics_page.expire()
        assert (await client.get("/metrics")).status_code == 200
        assert measurements() - before == 2


async def test_metrics_can_be_kept_behind_a_token(settings: Settings, database: Database) -> None:
    secret = "a-metrics-token-of-some-length-0123456789"
    guarded = settings.model_copy(update={"metrics_token": SecretStr(secret)})
    app = create_app(guarded, expected_migrations=EXPECTED_MIGRATIONS)
    async with AsyncTestClient(app=app) as client:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": secret}):
            refused = await client.get("/metrics", headers=headers)
            assert refused.status_code == 401, headers
            assert refused.headers["content-type"].startswith("application/problem+json")
        allowed = await client.get("/metrics", headers={"Authorization": f"Bearer {secret}"})
        assert allowed.status_code == 200 and "profiles_database_up" in allowed.text


async def _logged(client: Client, log_format: str, *requests: tuple[str, dict[str, str]]) -> str:
    """What the access log writes in `log_format` while `client` sends `requests`."""
    stream = io.StringIO()
    handler = make_handler("json" if log_format == "json" else "text", stream)
    access = logging.getLogger("profiles.access")
    access.addHandler(handler)
    previous = access.level
    access.setLevel(logging.INFO)
    try:
        for path, headers in requests:
            await client.get(path, headers=headers)
    finally:
        access.setLevel(previous)
        access.removeHandler(handler)
    return stream.getvalue()


async def test_each_request_has_one_access_line_without_token_query_or_concrete_path(
    client: Client,
) -> None:
    dancer = await onboard(client, "accessed", displayName="Quietname")
    bearer = token("accessed")
    headers = {"Authorization": f"Bearer {bearer}", "X-Request-ID": "access-1"}
    search = "/v1/dancers?q=Quietname&limit=5"
    by_id = f"/v1/dancers/{dancer['id']}"
    requests = [
        (search, headers),
        (by_id, {**headers, "X-Request-ID": "access-2"}),
        ("/v1/me", {"Authorization": "Bearer forged", "X-Request-ID": "access-3"}),
        ("/no/such/route", {"X-Request-ID": "access-4"}),
    ]

    written = await _logged(client, "json", *requests)

    lines = [json.loads(line) for line in written.splitlines()]
    assert [line["request_id"] for line in lines] == [f"access-{n}" for n in range(1, 5)]
    assert [(line["method"], line["route"], line["status"]) for line in lines] == [
        ("GET", "/v1/dancers", 200),
        ("GET", "/v1/dancers/{profile_id}", 200),
        ("GET", "/v1/me", 401),
        ("GET", None, 404),
    ]
    for line in lines:
        assert line["logger"] == "profiles.access" and line["level"] == "INFO"
        assert isinstance(line["duration_ms"], float) and 0 <= line["duration_ms"] < 10_000
        assert "trace_id" not in line  # tracing is off
    for secret in (bearer, "forged", "Quietname", "limit", "?", dancer["id"], "/no/such"):
        assert secret not in written

    text = await _logged(client, "text", (search, headers))
    (line,) = text.splitlines()
    assert "[access-1] method=GET route=/v1/dancers status=200 duration_ms=" in line
    assert line.endswith(" request_id=access-1")
    assert bearer not in line and "Quietname" not in line and "limit" not in line

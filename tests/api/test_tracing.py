"""Traces: one per request, its database commands as children of the server span, the
caller's `traceparent` continued, the route template as the name, no query values; and
with no tracer provider, nothing of tracing in the app."""

import io
import json
import logging
from collections.abc import AsyncIterator, Iterator

import pytest
from litestar import Litestar
from litestar.plugins.opentelemetry import OpenTelemetryPlugin
from litestar.testing import AsyncTestClient
from opentelemetry.instrumentation.pymongo import CommandTracer
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from api.app import create_app
from service.platform.config import Settings
from service.platform.db import Database
from service.platform.logs import make_handler
from tests.helpers import EXPECTED_MIGRATIONS, Client, auth, onboard

CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN = "00f067aa0ba902b7"


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    """The spans the traced app finishes, kept in memory."""
    exporter = InMemorySpanExporter()
    yield exporter
    exporter.shutdown()


@pytest.fixture
def provider(spans: InMemorySpanExporter) -> Iterator[TracerProvider]:
    """A provider of the test's own (no global one is set) exporting to `spans`."""
    provider = TracerProvider(shutdown_on_exit=False)
    provider.add_span_processor(SimpleSpanProcessor(spans))
    yield provider
    provider.shutdown()


@pytest.fixture
async def traced(
    settings: Settings, database: Database, provider: TracerProvider
) -> AsyncIterator[Client]:
    """The app tracing to `provider`."""
    app = create_app(settings, expected_migrations=EXPECTED_MIGRATIONS, tracer_provider=provider)
    async with AsyncTestClient(app=app) as client:
        yield client


def _server(spans: tuple[ReadableSpan, ...]) -> ReadableSpan:
    (server,) = [span for span in spans if span.kind == SpanKind.SERVER]
    return server


async def test_a_request_is_one_trace_with_its_database_commands_as_children(
    traced: Client, spans: InMemorySpanExporter
) -> None:
    dancer = await onboard(traced, "traced")
    spans.clear()

    response = await traced.get(f"/v1/dancers/{dancer['id']}", headers=auth("traced"))

    assert response.status_code == 200
    finished = spans.get_finished_spans()
    server = _server(finished)
    assert server.name == "GET /v1/dancers/{profile_id}"
    assert server.attributes is not None
    assert server.attributes["http.route"] == "/v1/dancers/{profile_id}"
    assert server.attributes["http.status_code"] == 200
    assert server.context is not None and server.parent is None
    commands = [span for span in finished if span is not server]
    assert commands and all(span.kind == SpanKind.CLIENT for span in commands)
    assert {span.context.trace_id for span in commands if span.context} == {server.context.trace_id}
    assert all(span.parent and span.parent.span_id == server.context.span_id for span in commands)
    finds = [span for span in commands if span.name.endswith(".find")]
    assert finds and any(
        span.attributes and span.attributes.get("db.mongodb.collection") == "dancers"
        for span in finds
    )
    assert all(span.attributes and span.attributes["db.system"] == "mongodb" for span in finds)


async def test_a_traceparent_is_continued(traced: Client, spans: InMemorySpanExporter) -> None:
    await onboard(traced, "continued")
    spans.clear()

    response = await traced.get(
        "/v1/me",
        headers={**auth("continued"), "traceparent": f"00-{CALLER_TRACE}-{CALLER_SPAN}-01"},
    )

    assert response.status_code == 200
    finished = spans.get_finished_spans()
    server = _server(finished)
    assert server.name == "GET /v1/me"
    assert server.parent is not None and format(server.parent.span_id, "016x") == CALLER_SPAN
    assert server.parent.is_remote
    assert {format(span.context.trace_id, "032x") for span in finished if span.context} == {
        CALLER_TRACE
    }


async def test_a_request_started_inside_another_is_a_trace_of_its_own(
    traced: Client, spans: InMemorySpanExporter, provider: TracerProvider
) -> None:
    """uvicorn may start a request from the context of the previous one: that one's span
    must not become the new request's parent."""
    with provider.get_tracer("test").start_as_current_span("previous request"):
        assert (await traced.get("/health/ready")).status_code == 200
    server = _server(spans.get_finished_spans())
    assert server.parent is None and server.name == "GET /health/ready"


async def test_spans_hold_no_query_values_and_the_access_log_their_trace_id(
    traced: Client, spans: InMemorySpanExporter, caplog: pytest.LogCaptureFixture
) -> None:
    stream = io.StringIO()
    handler = make_handler("json", stream)
    access = logging.getLogger("profiles.access")
    access.addHandler(handler)
    try:
        with caplog.at_level(logging.INFO, logger="profiles.access"):
            response = await traced.get("/v1/search?q=Privatename&limit=5", headers=auth("s"))
    finally:
        access.removeHandler(handler)

    assert response.status_code == 200
    finished = spans.get_finished_spans()
    server = _server(finished)
    assert server.name == "GET /v1/search"
    values = [str(value) for span in finished for value in (span.attributes or {}).values()]
    assert not [value for value in values if "Privatename" in value or "limit=5" in value]
    assert any("q=REDACTED&limit=REDACTED" in value for value in values)
    (line,) = stream.getvalue().splitlines()
    assert server.context is not None
    assert json.loads(line)["trace_id"] == format(server.context.trace_id, "032x")


async def test_excluded_paths_and_commands_outside_requests_make_no_spans(
    settings: Settings,
    database: Database,
    provider: TracerProvider,
    spans: InMemorySpanExporter,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OTEL_PYTHON_EXCLUDED_URLS", "health")
    app = create_app(settings, expected_migrations=EXPECTED_MIGRATIONS, tracer_provider=provider)
    async with AsyncTestClient(app=app) as client:
        assert not spans.get_finished_spans()  # the start-up's commands: no request
        assert (await client.get("/health/ready")).status_code == 200  # pings the database
        assert not spans.get_finished_spans()
        assert (await client.get("/v1/dance-styles", headers=auth("x"))).status_code == 200
        assert _server(spans.get_finished_spans()).name == "GET /v1/dance-styles"


async def test_without_a_provider_nothing_of_tracing_runs(app: Litestar, client: Client) -> None:
    assert not [plugin for plugin in app.plugins if isinstance(plugin, OpenTelemetryPlugin)]
    listeners = app.state.database.client.options.event_listeners
    assert listeners and not [each for each in listeners if isinstance(each, CommandTracer)]
    assert (await client.get("/health/live")).status_code == 200

"""Tracing from the standard `OTEL_*` variables: on only with an OTLP endpoint, off with
`OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none`, off with a warning for what it
cannot export as; the service named `profiles` unless they name it."""

import logging
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.sdk.trace import TracerProvider

from service.platform.tracing import tracer_provider_from_environment

ENDPOINT = "http://127.0.0.1:4318"  # never sent to: each provider here is shut down unused


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """No `OTEL_*` variable from outside."""
    for name in list(os.environ):
        if name.startswith("OTEL_"):
            monkeypatch.delenv(name)
    yield monkeypatch


def _made(monkeypatch: pytest.MonkeyPatch, **variables: str) -> TracerProvider | None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    provider = tracer_provider_from_environment()
    assert provider is None or isinstance(provider, TracerProvider)
    return provider


def test_off_without_an_endpoint_or_with_the_sdk_disabled(
    environment: pytest.MonkeyPatch,
) -> None:
    assert _made(environment) is None
    assert _made(environment, OTEL_SERVICE_NAME="profiles-eu") is None
    disabled = {"OTEL_EXPORTER_OTLP_ENDPOINT": ENDPOINT, "OTEL_SDK_DISABLED": "TRUE"}
    assert _made(environment, **disabled) is None


def test_off_with_no_exporter(environment: pytest.MonkeyPatch) -> None:
    settings = {"OTEL_EXPORTER_OTLP_ENDPOINT": ENDPOINT, "OTEL_TRACES_EXPORTER": "none"}
    assert _made(environment, **settings) is None


@pytest.mark.parametrize(
    "setting",
    [
        {"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"},
        {"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/json"},
        {
            "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
            "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "grpc",
        },
        {"OTEL_TRACES_EXPORTER": "zipkin"},
        {"OTEL_TRACES_EXPORTER": "otlp,console"},
    ],
)
def test_what_cannot_be_exported_leaves_tracing_off_and_says_so(
    environment: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, setting: dict[str, str]
) -> None:
    with caplog.at_level(logging.WARNING, logger="profiles"):
        assert _made(environment, OTEL_EXPORTER_OTLP_ENDPOINT=ENDPOINT, **setting) is None
    [warning] = [record.getMessage() for record in caplog.records]
    assert warning.startswith("tracing is off: ") and "not supported" in warning, warning


def test_the_supported_exporter_and_protocol_named_outright(
    environment: pytest.MonkeyPatch,
) -> None:
    named = {
        "OTEL_EXPORTER_OTLP_ENDPOINT": ENDPOINT,
        "OTEL_TRACES_EXPORTER": "otlp",
        "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc",  # the traces' own protocol comes first
        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/protobuf",
    }
    provider = _made(environment, **named)
    assert provider is not None
    provider.shutdown()


class _Collector(BaseHTTPRequestHandler):
    """Takes OTLP/HTTP exports: remembers each request's path, type and body."""

    received: ClassVar[list[tuple[str, str, bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.path, self.headers["Content-Type"], body))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.end_headers()
        self.wfile.write(ExportTraceServiceResponse().SerializeToString())

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def collector() -> Iterator[str]:
    """The base URL of an OTLP/HTTP collector on this machine."""
    _Collector.received.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("variable", "path", "sent_to"),
    [
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "", "/v1/traces"),
        ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "/collect/traces", "/collect/traces"),
    ],
)
def test_on_with_an_endpoint_spans_are_sent_there_by_otlp_over_http(
    environment: pytest.MonkeyPatch, collector: str, variable: str, path: str, sent_to: str
) -> None:
    provider = _made(environment, **{variable: collector + path})
    assert provider is not None
    try:
        with provider.get_tracer("test").start_as_current_span("exported"):
            pass
        assert provider.force_flush()
    finally:
        provider.shutdown()

    ((received_at, content_type, body),) = _Collector.received
    assert (received_at, content_type) == (sent_to, "application/x-protobuf")
    export = ExportTraceServiceRequest.FromString(body)
    (resource_spans,) = export.resource_spans
    names = {a.key: a.value.string_value for a in resource_spans.resource.attributes}
    assert names["service.name"] == "profiles"
    assert [span.name for scope in resource_spans.scope_spans for span in scope.spans] == [
        "exported"
    ]


def test_the_service_name_comes_from_the_environment_when_it_names_one(
    environment: pytest.MonkeyPatch,
) -> None:
    named = _made(environment, OTEL_EXPORTER_OTLP_ENDPOINT=ENDPOINT, OTEL_SERVICE_NAME="p-eu")
    assert named is not None
    named.shutdown()
    assert named.resource.attributes["service.name"] == "p-eu"
    environment.delenv("OTEL_SERVICE_NAME")
    attributed = _made(environment, OTEL_RESOURCE_ATTRIBUTES="service.name=p-us,region=us")
    assert attributed is not None
    attributed.shutdown()
    assert attributed.resource.attributes["service.name"] == "p-us"
    assert attributed.resource.attributes["region"] == "us"

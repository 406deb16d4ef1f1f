"""Traces: a tracer provider made from the standard `OTEL_*` variables, and the listener
that gives each database command a span.

Tracing is on when `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`
names an endpoint, `OTEL_SDK_DISABLED` is not `true` and `OTEL_TRACES_EXPORTER` is not
`none`; otherwise there is no provider at all, and nothing of OpenTelemetry runs on a
request. Spans go by OTLP over HTTP (protobuf) only: an exporter other than `otlp`, or a
protocol other than `http/protobuf` (`grpc`, `http/json`), leaves tracing off with one
warning in the log, rather than sending to an endpoint that expects something else.
The SDK reads every other
setting itself: the exporter its endpoint, headers, timeout, compression and
certificates, the provider its sampler (`OTEL_TRACES_SAMPLER`, default: every trace,
or the caller's decision from its `traceparent`), the batch processor its queue and
delays (`OTEL_BSP_*`), the resource `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES`.
Without a service name from them, the service is `profiles`.

Database spans come from the official PyMongo instrumentation's command listener
(`opentelemetry-instrumentation-pymongo`), handed to the service's own clients rather
than registered for the whole process (`PymongoInstrumentor().instrument()`): PyMongo's
listeners cannot be removed once registered, and the instrumentor binds its tracer to the
first provider it is given, so a process could never trace two apps (or tests) to two
providers. The listener works for `AsyncMongoClient` as for `MongoClient`: PyMongo
publishes a command's start in the task that sends it, so its span is a child of the
span current there (the request's). Commands sent outside a trace (start-up, a request
whose path `OTEL_PYTHON_EXCLUDED_URLS` leaves out) make no span: each would be a trace
of one span.

The SDK, the exporter and the instrumentation are imported only when tracing is on
(about 150 ms of every process's start otherwise: `profiles migrate`, each worker of the
suite); without it, only OpenTelemetry's API is loaded, for its types.
"""

import logging
import os
from typing import TYPE_CHECKING

from opentelemetry.environment_variables import OTEL_TRACES_EXPORTER
from opentelemetry.sdk.environment_variables import (
    OTEL_EXPORTER_OTLP_ENDPOINT,
    OTEL_EXPORTER_OTLP_PROTOCOL,
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL,
    OTEL_SDK_DISABLED,
)
from opentelemetry.trace import TracerProvider
from pymongo import monitoring

if TYPE_CHECKING:
    from opentelemetry.sdk.resources import Resource

logger = logging.getLogger("profiles")

DEFAULT_SERVICE_NAME = "profiles"
EXPORTER = "otlp"
PROTOCOL = "http/protobuf"
DATABASE_TRACER = "opentelemetry.instrumentation.pymongo"
"""The instrumentation scope of database spans (the instrumentation's own name)."""


def _setting(name: str) -> str:
    return os.environ.get(name, "").strip().lower()


def tracing_configured() -> bool:
    """Whether the environment asks for traces: an OTLP endpoint, the SDK not disabled
    and the traces' exporter not `none`."""
    if _setting(OTEL_SDK_DISABLED) == "true" or _setting(OTEL_TRACES_EXPORTER) == "none":
        return False
    return any(
        os.environ.get(name, "").strip()
        for name in (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)
    )


def unsupported_setting() -> str | None:
    """What of the environment this service cannot export traces as: an exporter
    other than OTLP, a protocol other than HTTP with protobuf; None when all can be."""
    exporters = [name.strip() for name in _setting(OTEL_TRACES_EXPORTER).split(",") if name]
    if exporters and exporters != [EXPORTER]:
        return f"{OTEL_TRACES_EXPORTER}={','.join(exporters)}"
    # the traces' own protocol first, as the SDK reads them
    for name in (OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, OTEL_EXPORTER_OTLP_PROTOCOL):
        protocol = _setting(name)
        if protocol:
            return None if protocol == PROTOCOL else f"{name}={protocol}"
    return None


def service_resource() -> "Resource":
    """The resource of the service's spans: what `OTEL_SERVICE_NAME` and
    `OTEL_RESOURCE_ATTRIBUTES` say, and the name `profiles` when they name none."""
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource

    resource = Resource.create()
    if str(resource.attributes.get(SERVICE_NAME, "")).startswith("unknown_service"):
        resource = resource.merge(Resource({SERVICE_NAME: DEFAULT_SERVICE_NAME}))
    return resource


def tracer_provider_from_environment() -> TracerProvider | None:
    """A provider exporting spans in batches by OTLP over HTTP (protobuf), as the `OTEL_*`
    variables configure it; None when tracing is not configured. The provider flushes
    and shuts down when the process exits."""
    if not tracing_configured():
        return None
    unsupported = unsupported_setting()
    if unsupported is not None:
        logger.warning(
            "tracing is off: %s is not supported (spans go by OTLP over HTTP, protobuf:"
            " %s=%s, %s=%s)",
            unsupported,
            OTEL_TRACES_EXPORTER,
            EXPORTER,
            OTEL_EXPORTER_OTLP_PROTOCOL,
            PROTOCOL,
        )
        return None
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.trace import TracerProvider as SdkTracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = SdkTracerProvider(resource=service_resource())
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    return provider


def database_command_tracer(tracer_provider: TracerProvider) -> monitoring.CommandListener:
    """A PyMongo command listener making a client span for each command sent inside a
    trace (`find`, `update`, `commitTransaction`, ...; named `<database>.<command>`, with
    the collection, never the command's values), a child of the span current where it is
    sent: the instrumentation's own listener, for the commands sent inside a trace only."""
    from opentelemetry.instrumentation.pymongo import CommandTracer
    from opentelemetry.instrumentation.pymongo.version import __version__
    from opentelemetry.trace import get_current_span

    class CommandsInTraces(CommandTracer):
        def started(self, event: monitoring.CommandStartedEvent) -> None:
            if get_current_span().get_span_context().is_valid:
                super().started(event)

    listener: monitoring.CommandListener = CommandsInTraces(
        tracer_provider.get_tracer(DATABASE_TRACER, __version__)
    )
    return listener

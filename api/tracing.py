"""Traces of requests (on only when the process was given a tracer provider:
`service.platform.tracing`).

Litestar's OpenTelemetry plugin runs the ASGI instrumentation around everything Litestar
does for a request: one server span per request, continuing the trace of the caller's
`traceparent` (W3C trace context, OpenTelemetry's default propagation), with the
request's database commands as its children (`service.platform.tracing`). The plugin
runs before routing, so here:

- the span is named by the method alone when it starts, and `METHOD /route/{template}`
  (with `http.route`) once the route is known, as the semantic conventions name server
  spans: never by the concrete path, whose ids would make every name unique;
- the query string's values are left out of the span (`REDACTED`, the instrumentation's
  own word for a removed value): a search's `q` is personal;
- the span is kept in the request's scope, where the access log finds its trace id.
"""

from typing import TYPE_CHECKING, Any, cast
from urllib.parse import parse_qsl, urlencode

from litestar.types import Message, Scope
from opentelemetry.semconv.attributes.http_attributes import HTTP_ROUTE
from opentelemetry.semconv.attributes.url_attributes import URL_QUERY
from opentelemetry.trace import Span, TracerProvider

if TYPE_CHECKING:
    from litestar.plugins.opentelemetry import OpenTelemetryPlugin

HTTP_URL = "http.url"
"""The full URL attribute of the older HTTP conventions (the instrumentation's default)."""
REDACTED = "REDACTED"
_SCOPE_KEY = "profiles_server_span"


def tracing_plugin(tracer_provider: TracerProvider) -> "OpenTelemetryPlugin":
    """The OpenTelemetry plugin tracing every request to `tracer_provider`: one span per
    request (no spans of its own for each message sent or received). Loaded only when
    tracing is on, with the ASGI instrumentation it brings."""
    from litestar.plugins.opentelemetry import OpenTelemetryConfig, OpenTelemetryPlugin

    return OpenTelemetryPlugin(
        OpenTelemetryConfig(
            tracer_provider=tracer_provider,
            scope_span_details_extractor=_name_by_method,
            server_request_hook_handler=_remember_span,
            exclude_spans=["receive", "send"],
        )
    )


def server_span(scope: Scope) -> Span | None:
    """The server span of this request, if it is traced."""
    return cast(dict[str, Any], scope).get(_SCOPE_KEY)


async def name_span_by_route(message: Message, scope: Scope) -> None:
    """`before_send` hook: the span named by method and route template when the answer
    starts (routing is done by then; an unknown path keeps the method alone)."""
    if message["type"] != "http.response.start":
        return
    span = server_span(scope)
    route = cast(dict[str, Any], scope).get("path_template")
    if span is not None and route:
        span.update_name(f"{scope.get('method')} {route}")
        span.set_attribute(HTTP_ROUTE, route)


def _name_by_method(scope: Scope) -> tuple[str, dict[str, Any]]:
    """The span's name before routing: the method alone."""
    return str(scope.get("method", "HTTP")), {}


def _remember_span(span: Span, scope: dict[str, Any]) -> None:
    """Keep the server span in the scope; redact the query string's values."""
    scope[_SCOPE_KEY] = span
    if not scope.get("query_string"):
        return
    attributes = getattr(span, "attributes", None) or {}  # a recording span's
    url = attributes.get(HTTP_URL)
    if isinstance(url, str) and "?" in url:
        path, _, url_query = url.partition("?")
        span.set_attribute(HTTP_URL, f"{path}?{_redacted(url_query)}")
    query = attributes.get(URL_QUERY)
    if isinstance(query, str):
        span.set_attribute(URL_QUERY, _redacted(query))


def _redacted(query: str) -> str:
    """The query string with each value replaced (the names stay: which filters)."""
    return urlencode([(name, REDACTED) for name, _ in parse_qsl(query, keep_blank_values=True)])

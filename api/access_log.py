"""One access-log line per HTTP request, written once its answer is sent (logger
`profiles.access`, level INFO; uvicorn's own access log is off, so this is the only one).

Its fields: `method`, `route` (the route template, `/v1/dancers/{profile_id}`, never
the concrete path; none for a path no route has), `status` (none when the client left
before an answer), `duration_ms`, `request_id` and, when the request is traced,
`trace_id`. Never a header (the token), the query string (a search's `q` is personal)
or a body. As text, `key=value` pairs; with `PROFILES_LOG_FORMAT=json`, the same fields
as keys of the line's object.
"""

import logging
import time
from typing import Any, cast

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

from api.observability import Answer, request_id_of
from api.tracing import server_span

logger = logging.getLogger("profiles.access")


def access_log(app: ASGIApp) -> ASGIApp:
    """ASGI middleware around everything Litestar does for a request (routing, its
    middleware, errors): the request's access-log line."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or not logger.isEnabledFor(logging.INFO):
            await app(scope, receive, send)
            return
        started = time.perf_counter()
        answer = Answer(send)
        try:
            await app(scope, receive, answer.send)
        finally:
            log_request(scope, answer.status, (time.perf_counter() - started) * 1000)

    return middleware


def log_request(scope: Scope, status: int | None, duration_ms: float) -> None:
    """Write the access-log line of the request of `scope`."""
    fields: dict[str, Any] = {
        "method": scope.get("method"),
        "route": cast(dict[str, Any], scope).get("path_template") or None,
        "status": status,
        "duration_ms": round(duration_ms, 2),
        "request_id": request_id_of(scope),
    }
    span = server_span(scope)
    if span is not None:
        fields["trace_id"] = format(span.get_span_context().trace_id, "032x")
    text = " ".join(f"{name}={'-' if value is None else value}" for name, value in fields.items())
    logger.info("%s", text, extra={"fields": fields})

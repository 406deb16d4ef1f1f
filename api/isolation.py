"""Each HTTP request runs in a context of its own, empty when it starts.

A server may start a request from inside the previous one: uvicorn starts a request
that arrived while the connection's previous one was being answered from that
answer's `send`, so the new request's task copies the previous request's context
variables. PyMongo keeps a request's deadline in one (`pymongo.timeout`), and a nested
timeout keeps the earlier deadline: on one keep-alive connection, every later request
inherited the first one's deadline and, ten seconds on, failed at once with 503. Here
each request's app runs in a task with a fresh, empty context; cancelling the request
cancels that task. It runs around everything Litestar does for the request (routing,
authentication, errors, the tracing plugin's span): a server span of the previous
request still current in a copied context would otherwise make the new request's span
its child instead of a trace of its own.
"""

import asyncio
import contextvars
from collections.abc import Coroutine
from typing import Any, cast

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send


def isolate_request_context(app: ASGIApp) -> ASGIApp:
    """ASGI middleware: HTTP requests in a context of their own (the outermost one)."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        running: Coroutine[Any, Any, None] = cast(Any, app(scope, receive, send))
        task = asyncio.create_task(running, context=contextvars.Context())
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError:
            task.cancel()
            raise

    return middleware

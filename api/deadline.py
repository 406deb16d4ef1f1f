"""One deadline per request, and reads cancelled when their client goes away.

Deadline: every HTTP request runs inside `pymongo.timeout(...)` for what is left of
`request_timeout`, counted from the request's arrival (`request_clock`, around all
Litestar does): authentication comes before this middleware, and a token may wait there
for a fetch of the identity provider's keys, which the same deadline bounds
(`seconds_left`). PyMongo
keeps the deadline in a context variable, and Litestar runs the guards, dependencies and
handler of a request in the task (or a copy of the context) of this middleware, so every
database command of the request shares that one deadline: each carries the time left as
`maxTimeMS`, PyMongo's own retries stop at it, and so does `with_transaction`, which
otherwise retries a transaction for 120 s. Past the deadline PyMongo raises errors whose
`.timeout` is True; `api.errors` answers them 503 with `Retry-After`. A route that sets a
shorter `pymongo.timeout` of its own (readiness, `/metrics`) gets the earlier of the two.

Cancellation: a GET or HEAD runs in a task of its own while this middleware reads the
request's `receive` channel. When the client disconnects before the response is complete
(`http.disconnect`), the task is cancelled: the request stops sending database commands
(the command in flight is abandoned and its connection closed) and no response is sent:
there is nobody to read it. Once the last body chunk is handed to the server, a
disconnect cancels nothing (servers report the disconnect of every finished request
too). Writes are never cancelled: a write its client abandoned runs to its end or to
its deadline, and its transaction commits or aborts whole; cancelled halfway (during a
commit, say), its outcome would be left to chance.

The middleware sits inside the rate limiter: a refused request costs no deadline and no
task.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any, cast

import pymongo
from litestar.enums import ScopeType
from litestar.types import ASGIApp, HTTPScope, Message, Receive, ReceiveMessage, Scope, Send

logger = logging.getLogger("profiles.api")

CANCELLABLE_METHODS = frozenset({"GET", "HEAD"})
"""Requests that only read: stopping them when their client leaves changes nothing."""
RECANCEL_SECONDS = 0.25
"""A request still running this long after its cancellation is cancelled again. Python
3.11's `asyncio.wait_for` drops a cancellation that arrives just as the operation it
waits on completes (CPython gh-86296), and PyMongo sends every command through one; the
clean-up a cancellation sets off (closing a connection) takes far less than this."""

DISCONNECT: ReceiveMessage = {"type": "http.disconnect"}

_DEADLINE: ContextVar[float | None] = ContextVar("profiles_request_deadline", default=None)
"""When the current request's time is up (`time.monotonic()`), set by `request_clock`."""


def request_clock(timeout_seconds: float) -> Callable[[ASGIApp], ASGIApp]:
    """ASGI middleware around all Litestar does for a request (inside
    `isolate_request_context`, whose fresh context it writes in): notes when each HTTP
    request's `timeout_seconds` are up, counted from its arrival."""
    if timeout_seconds <= 0:
        raise ValueError("the request timeout must be positive")

    def wrap(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != ScopeType.HTTP:
                await app(scope, receive, send)
                return
            noted = _DEADLINE.set(time.monotonic() + timeout_seconds)
            try:
                await app(scope, receive, send)
            finally:
                _DEADLINE.reset(noted)

        return middleware

    return wrap


def seconds_left() -> float | None:
    """Seconds left until the current request's deadline (none below 0); None outside
    a request that `request_clock` timed."""
    deadline = _DEADLINE.get()
    return None if deadline is None else max(0.0, deadline - time.monotonic())


def request_deadline(timeout_seconds: float) -> Callable[[ASGIApp], ASGIApp]:
    """ASGI middleware (for `Litestar(middleware=...)`): each HTTP request under one
    `pymongo.timeout`, what is left of its deadline (`request_clock`; without it,
    `timeout_seconds` from here); GET and HEAD cancelled when the client disconnects
    before their response is complete."""
    if timeout_seconds <= 0:
        raise ValueError("the request timeout must be positive")

    def wrap(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != ScopeType.HTTP:
                await app(scope, receive, send)
                return
            left = seconds_left()
            with pymongo.timeout(timeout_seconds if left is None else left):
                if scope["method"] in CANCELLABLE_METHODS:
                    await run_until_disconnect(app, scope, receive, send)
                else:
                    await app(scope, receive, send)

        return middleware

    return wrap


class _Exchange:
    """What the app of one read request sees of the connection: the messages this
    middleware read from the server, and whether its response is complete."""

    def __init__(self, receive: Receive, send: Send) -> None:
        self.server_receive = receive
        self.server_send = send
        # one message at a time: a body is read from the server only as fast as the app
        # takes it, as without this middleware (a GET with a body the app never reads
        # is then not watched past its first chunk, and runs to its end or deadline)
        self.inbox: asyncio.Queue[ReceiveMessage] = asyncio.Queue(maxsize=1)
        self.disconnected = False
        self.response_finishing = False

    async def receive(self) -> ReceiveMessage:
        """The app's `receive`: the messages read from the server, in order; once the
        client is gone, `http.disconnect` (again and again)."""
        if not self.inbox.empty():
            return self.inbox.get_nowait()
        if self.disconnected:
            return DISCONNECT
        return await self.inbox.get()

    async def send(self, message: Message) -> None:
        """The app's `send`: the server's, noting when the last body chunk goes out."""
        if message["type"] == "http.response.body" and not message.get("more_body", False):
            # from here on there is nothing left to save: a disconnect cancels nothing
            self.response_finishing = True
        await self.server_send(message)

    async def watch(self, task: "asyncio.Task[None]") -> None:
        """Read the server's channel until the disconnect; when it comes before the
        response is complete, cancel `task` (again every `RECANCEL_SECONDS` until it
        ends, unless it gets to send the end of its response meanwhile)."""
        while True:
            message = await self.server_receive()
            if message["type"] == "http.disconnect":
                self.disconnected = True
                if self.inbox.empty():
                    self.inbox.put_nowait(DISCONNECT)  # wakes an app waiting in `receive`
                while not self.response_finishing and not task.done():
                    task.cancel()
                    await asyncio.wait({task}, timeout=RECANCEL_SECONDS)
                return
            await self.inbox.put(message)


async def run_until_disconnect(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
    """Run `app` for this request in a task of its own (the context, deadline and request
    id included, is copied into it), cancelled if the client disconnects before the
    response is complete. A cancelled request logs one line and returns normally: the
    server has nobody to answer and must not report an error."""
    exchange = _Exchange(receive, send)
    running: Awaitable[None] = app(scope, exchange.receive, exchange.send)
    task: asyncio.Task[None] = asyncio.create_task(cast(Any, running))
    watcher = asyncio.create_task(exchange.watch(task))
    try:
        await task
    except asyncio.CancelledError:
        current = asyncio.current_task()
        if not exchange.disconnected or (current is not None and current.cancelling()):
            raise  # this middleware itself is being cancelled (server shutdown)
        http_scope = cast(HTTPScope, scope)
        logger.info(
            "client disconnected; %s %s cancelled", http_scope["method"], http_scope["path"]
        )
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher

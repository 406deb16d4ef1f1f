"""A read whose client disconnects is cancelled: it sends no more database commands and
answers nothing; a read that completed, and any write, run to their end.

The interleavings are forced: the tests call the app as an ASGI server would, in this
event loop, with a `receive` they control, and deliver `http.disconnect` only once the
handler is known to be waiting on the database (its command was seen by a listener) or
once the response's last chunk was handed over.
"""

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, cast

import pytest
from litestar import Litestar
from litestar.types import HTTPScope, Message, ReceiveMessage, Scope
from pymongo import AsyncMongoClient

from api.app import create_app
from api.deadline import request_deadline
from service.me.onboarding import complete_onboarding
from service.platform.caller import Caller
from service.platform.config import Settings
from service.platform.db import Database, MongoDocument
from tests.api.deadline_helpers import (
    CommandRecorder,
    app_command_held,
    app_settings,
)
from tests.helpers import EXPECTED_MIGRATIONS, token

SUB = "leaving-reader"
BLOCK_MS = 5000
"""How long the held command would take: a cancelled request ends long before."""
PROMPTLY_S = 2.0


@pytest.fixture
async def app(settings: Settings, database: Database, recorder: CommandRecorder) -> Litestar:
    """The app (its client named for the failpoints), with an account of `SUB` made
    through the service first."""
    await complete_onboarding(Caller(SUB), "dancer", None, "Lee Leaving", {})
    return create_app(app_settings(settings), expected_migrations=EXPECTED_MIGRATIONS)


@asynccontextmanager
async def running(app: Litestar) -> AsyncIterator[Litestar]:
    """`app` started (its lifespan: the database client) in this event loop."""
    async with app.lifespan():
        yield app


def http_scope(method: str, path: str) -> Scope:
    """The scope of a request of `SUB`, as a server makes it."""
    headers = [
        (b"host", b"testserver"),
        (b"authorization", f"Bearer {token(SUB)}".encode()),
        (b"content-type", b"application/json"),
    ]
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    return scope  # type: ignore[return-value]


def request_message(body: bytes = b"") -> ReceiveMessage:
    return {"type": "http.request", "body": body, "more_body": False}


DISCONNECT: ReceiveMessage = {"type": "http.disconnect"}


def cancellations(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if "client disconnected" in r.getMessage()]


async def test_a_read_is_cancelled_when_its_client_disconnects(
    app: Litestar,
    raw_client: AsyncMongoClient[MongoDocument],
    recorder: CommandRecorder,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    sent: list[Message] = []
    received = 0

    async def receive() -> ReceiveMessage:
        nonlocal received
        received += 1
        if received == 1:
            return request_message()
        async with asyncio.timeout(10):
            await recorder.sent("find")  # the handler waits on the database
        return DISCONNECT

    async def send(message: Message) -> None:
        sent.append(message)

    async with running(app):
        recorder.commands = []
        async with app_command_held(raw_client, "find", BLOCK_MS):
            call = app(http_scope("GET", "/v1/me"), receive, send)
            await asyncio.wait_for(call, PROMPTLY_S)  # not BLOCK_MS: it was cancelled
            held = recorder.names()
            await asyncio.sleep(0.2)  # anything the request still had to send would go now
            assert recorder.names() == held == ["find"]

    assert sent == []  # nobody to answer
    assert len(cancellations(caplog)) == 1
    assert cancellations(caplog)[0].levelno == logging.INFO
    (access,) = [r for r in caplog.records if r.name == "profiles.access"]
    assert "status=- " in access.getMessage()  # the access log's line: no answer
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text


async def test_a_read_that_completed_is_not_cancelled_by_the_disconnect_after_it(
    app: Litestar, recorder: CommandRecorder, caplog: pytest.LogCaptureFixture
) -> None:
    """As servers do, the disconnect comes once the last chunk is sent; here it is
    delivered while the app is still inside that `send`, its task not yet finished."""
    sent: list[Message] = []
    finished = asyncio.Event()
    received = 0

    async def receive() -> ReceiveMessage:
        nonlocal received
        received += 1
        if received == 1:
            return request_message()
        await finished.wait()
        return DISCONNECT

    async def send(message: Message) -> None:
        sent.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body", False):
            finished.set()
            for _ in range(5):  # let the disconnect be read before this send returns
                await asyncio.sleep(0)

    async with running(app):
        recorder.commands = []
        await asyncio.wait_for(app(http_scope("GET", "/v1/me"), receive, send), 10)

    assert received == 2  # the disconnect was read while the response was being sent
    assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 200
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    assert json.loads(body)["authId"] == SUB
    assert len(recorder.names()) >= 2  # GET /v1/me reads more than the command held above
    assert cancellations(caplog) == []


async def test_a_write_runs_to_its_end_when_its_client_disconnects(
    app: Litestar,
    raw_client: AsyncMongoClient[MongoDocument],
    settings: Settings,
    recorder: CommandRecorder,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The client is gone as soon as its body is sent: any read of `receive` after the
    body says so, while the write is held at the database."""
    sent: list[Message] = []
    received = 0

    async def receive() -> ReceiveMessage:
        nonlocal received
        received += 1
        return request_message(b'{"fullName": "Still Stored"}') if received == 1 else DISCONNECT

    async def send(message: Message) -> None:
        sent.append(message)

    async with running(app):
        recorder.commands = []
        async with app_command_held(raw_client, "findAndModify", 300):
            await asyncio.wait_for(app(http_scope("PATCH", "/v1/me"), receive, send), 10)

    assert "findAndModify" in recorder.names()
    assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 200, sent
    user = await raw_client[settings.db_name].users.find_one({"authId": SUB})
    assert user is not None and user["fullName"] == "Still Stored"
    assert cancellations(caplog) == []


# The middleware on its own, around bare ASGI apps: no database.


async def _call(
    app: Callable[[Scope, Any, Any], Awaitable[None]],
    method: str,
    receive: Callable[[], Awaitable[ReceiveMessage]],
) -> list[Message]:
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    wrapped = request_deadline(5.0)(app)
    await asyncio.wait_for(wrapped(http_scope(method, "/bare"), receive, send), 5)
    return sent


async def test_a_get_that_reads_its_body_gets_the_request_message() -> None:
    seen: list[ReceiveMessage] = []

    async def bare(scope: Scope, receive: Any, send: Any) -> None:
        seen.append(await receive())
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    delivered = [request_message(b"")]

    async def receive() -> ReceiveMessage:
        if delivered:
            return delivered.pop(0)
        await asyncio.Event().wait()  # the client stays: nothing more to say
        raise AssertionError("unreachable")

    sent = await _call(bare, "GET", receive)

    assert seen == [request_message(b"")]
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]


async def test_a_disconnect_cancels_a_waiting_get_but_not_a_post() -> None:
    outcomes: list[str] = []

    async def waiting(scope: Scope, receive: Any, send: Any) -> None:
        method = cast(HTTPScope, scope)["method"]
        try:
            await asyncio.sleep(3)
        except asyncio.CancelledError:
            outcomes.append(f"{method} cancelled")
            raise
        outcomes.append(f"{method} finished")
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def leaving() -> ReceiveMessage:
        return DISCONNECT

    assert await _call(waiting, "GET", leaving) == []
    assert len(await _call(waiting, "POST", leaving)) == 2
    assert outcomes == ["GET cancelled", "POST finished"]


async def test_a_server_cancelling_the_request_cancels_the_app_too() -> None:
    """Shutdown: the middleware's own cancellation is not taken for a disconnect."""
    started, outcomes = asyncio.Event(), []

    async def waiting(scope: Scope, receive: Any, send: Any) -> None:
        started.set()
        try:
            await asyncio.sleep(3)
        except asyncio.CancelledError:
            outcomes.append("cancelled")
            raise

    async def silent() -> ReceiveMessage:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    request = asyncio.create_task(_call(waiting, "GET", silent))
    await started.wait()
    request.cancel()
    with pytest.raises(asyncio.CancelledError):
        await request
    assert outcomes == ["cancelled"]

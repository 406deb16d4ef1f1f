"""The little of ASGI a bare app needs, by hand: no framework. A request's body read
whole, a JSON reply with its length and an optional ETag, and the lifespan events."""

import json
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bson import ObjectId

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


@dataclass(frozen=True)
class Reply:
    """An HTTP response: status, a JSON-ready body and, for a profile, its version."""

    status: int
    body: Any
    etag: int | None = None


def _json_default(value: Any) -> Any:
    """What the standard JSON encoder cannot write: ids as hex, dates as ISO 8601."""
    if isinstance(value, ObjectId):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot encode {type(value).__name__}")


async def read_body(receive: Receive) -> bytes:
    """The whole body of a request."""
    body = b""
    more = True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    return body


async def send_reply(send: Send, reply: Reply) -> None:
    """`reply` as JSON, with its length and (for a profile) its ETag."""
    payload = json.dumps(reply.body, default=_json_default).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
    ]
    if reply.etag is not None:
        headers.append((b"etag", f'"{reply.etag}"'.encode()))
    await send({"type": "http.response.start", "status": reply.status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


def bearer_token(scope: Scope) -> str | None:
    """The token of the request's `Authorization: Bearer ...` header, if any."""
    for name, value in scope.get("headers", ()):
        if name == b"authorization" and value.startswith(b"Bearer "):
            token: str = value[7:].decode()
            return token
    return None


async def run_lifespan(
    receive: Receive,
    send: Send,
    startup: Callable[[], Awaitable[None]],
    shutdown: Callable[[], Awaitable[None]],
) -> None:
    """Answer the lifespan events: `startup` on start-up, `shutdown` on shutdown."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await startup()
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await shutdown()
            await send({"type": "lifespan.shutdown.complete"})
            return

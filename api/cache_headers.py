"""Every answer is the caller's own: `Cache-Control: private` and `Vary: Authorization`.

A profile reads differently for its owner (the full view) and for others (the public
view), and every `/v1` answer depends on the token: a shared cache must neither keep one
caller's answer nor hand it to another."""

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

CACHE_CONTROL = "private"
VARY = "Authorization"


async def private_answers(message: Message, scope: Scope) -> None:
    """`before_send` hook: the two headers on every response."""
    if message["type"] == "http.response.start":
        headers = MutableScopeHeaders.from_message(message)
        headers["Cache-Control"] = CACHE_CONTROL
        vary = headers.get("Vary")
        headers["Vary"] = VARY if not vary else f"{vary}, {VARY}"

"""`OPTIONS` answers with every method of the path in `Allow`.

Litestar gives each route an `OPTIONS` handler that lists the methods of the route it was
made for; when handlers of one path are registered apart (a controller's `GET /` and its
`PATCH /`), the route is rebuilt and the first `OPTIONS` handler stays, so `Allow` lists
only some methods. The methods of every path are read off the finished app once, and
this `before_send` hook puts them in every `OPTIONS` answer."""

from typing import Any

from litestar import Litestar
from litestar.datastructures import MutableScopeHeaders
from litestar.routes import HTTPRoute
from litestar.types import Message, Scope

STATE_KEY = "allowed_methods"


def remember_allowed_methods(app: Litestar) -> None:
    """Keep `route path -> "GET, OPTIONS, ..."` of `app` in its state."""
    app.state[STATE_KEY] = {
        route.path: ", ".join(sorted(route.methods))
        for route in app.routes
        if isinstance(route, HTTPRoute)
    }


async def allow_every_method(message: Message, scope: Scope) -> None:
    """`before_send` hook: the whole `Allow` list on an `OPTIONS` answer."""
    if message["type"] != "http.response.start" or scope.get("method") != "OPTIONS":
        return
    handler: Any = scope.get("route_handler")
    allowed: dict[str, str] = scope["litestar_app"].state.get(STATE_KEY, {})
    for path in getattr(handler, "paths", ()):
        if path in allowed:
            MutableScopeHeaders.from_message(message)["Allow"] = allowed[path]
            return

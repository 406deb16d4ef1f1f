"""What handlers are given, through Litestar's dependency injection, in one place: who
calls, the version `If-Match` names, the search backend, the cursor codec, the database
and the migrations this release expects. `create_app` registers `DEPENDENCIES` on the
app; a handler names what it needs as a parameter of the matching type
(`caller: CallerDep`)."""

from typing import Annotated, Any

from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import HeaderParameter
from litestar.security.jwt import Token

from api.etag import parse_if_match
from service.platform.caller import Caller
from service.platform.db import Database
from service.platform.readiness import ExpectedMigrations
from service.search.backend import SearchBackend
from service.search.cursor import CursorCodec


async def provide_caller(request: Request[Caller, Token, Any]) -> Caller:
    """The caller the verified token names (the JWT middleware put it on the request)."""
    return request.user


async def provide_if_match(
    if_match_header: Annotated[
        str | None,
        HeaderParameter(
            name="If-Match",
            required=False,
            description=(
                'The ETag of the profile as you read it (`"3"`; on `/v1/me`, the active'
                " profile"
                "'"
                "s); a stale one: 412; `*` or none: no precondition"
            ),
        ),
    ] = None,
) -> int | None:
    """The profile version `If-Match` names; None when absent or `*` (422 for a header
    that is no ETag of this service)."""
    return parse_if_match(if_match_header)


def _from_state(name: str, what: str) -> Provide:
    """A dependency handing on `state[name]`, set when the app starts (`what` it is)."""

    async def provide(state: State) -> Any:
        return state[name]

    provide.__doc__ = what
    return Provide(provide)


DEPENDENCIES = {
    "caller": Provide(provide_caller),
    "if_match": Provide(provide_if_match),
    "search_backend": _from_state("search_backend", "The search backend chosen at start-up."),
    "cursor_codec": _from_state("cursor_codec", "The codec that signs and checks cursors."),
    "database": _from_state("database", "The database the app connected to at start-up."),
    "expected_migrations": _from_state(
        "expected_migrations", "The migrations this release expects, listed at start-up."
    ),
}
"""Every dependency a handler may ask for, by parameter name."""

WIRE_NAMES = {"if_match_header": "If-Match"}
"""Parameters of the dependencies above by their names in the request (a validation
error names the Python parameter)."""

CallerDep = NamedDependency[Caller]
IfMatchDep = NamedDependency[int | None]
SearchBackendDep = NamedDependency[SearchBackend]
CursorCodecDep = NamedDependency[CursorCodec]
DatabaseDep = NamedDependency[Database]
ExpectedMigrationsDep = NamedDependency[ExpectedMigrations]

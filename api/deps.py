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
                "s); a stale one: 412"
            ),
        ),
    ] = None,
) -> int | None:
    """The profile version `If-Match` names; None when absent or `*` (412 for a header
    that is no ETag of this service)."""
    return parse_if_match(if_match_header)


async def provide_search_backend(state: State) -> SearchBackend:
    """The search backend chosen at start-up."""
    backend: SearchBackend = state.search_backend
    return backend


async def provide_cursor_codec(state: State) -> CursorCodec:
    """The codec that signs and checks paging cursors."""
    codec: CursorCodec = state.cursor_codec
    return codec


async def provide_database(state: State) -> Database:
    """The database the app connected to at start-up."""
    database: Database = state.database
    return database


async def provide_expected_migrations(state: State) -> ExpectedMigrations:
    """The migrations this release expects, listed at start-up."""
    expected: ExpectedMigrations = state.expected_migrations
    return expected


DEPENDENCIES = {
    "caller": Provide(provide_caller),
    "if_match": Provide(provide_if_match),
    "search_backend": Provide(provide_search_backend),
    "cursor_codec": Provide(provide_cursor_codec),
    "database": Provide(provide_database),
    "expected_migrations": Provide(provide_expected_migrations),
}
"""Every dependency a handler may ask for, by parameter name."""

CallerDep = NamedDependency[Caller]
IfMatchDep = NamedDependency[int | None]
SearchBackendDep = NamedDependency[SearchBackend]
CursorCodecDep = NamedDependency[CursorCodec]
DatabaseDep = NamedDependency[Database]
ExpectedMigrationsDep = NamedDependency[ExpectedMigrations]

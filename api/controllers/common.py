"""Helpers shared by controllers: the caller, responses with ETags, pages."""

from typing import Annotated, Any

from litestar import Request, Response
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.params import PathParameter
from litestar.security.jwt import Token

from api.etag import etag_for
from service.caller import Caller
from service.cursor import CursorCodec
from service.errors import Forbidden
from service.results import ProfileResult

AuthRequest = Request[Caller, Token, Any]


def admins_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard of the admin routes: a caller without the `admin` role is refused (403)
    before the request body is read, so a non-admin learns nothing from validation."""
    caller = connection.scope.get("user")
    if not isinstance(caller, Caller) or not caller.is_admin:
        raise Forbidden("only admins may use the admin routes")


def cursor_codec(request: AuthRequest) -> CursorCodec:
    """The app's cursor codec."""
    codec: CursorCodec = request.app.state.cursor_codec
    return codec


def profile_response(result: ProfileResult, *, created_status: int = 201) -> Response[Any]:
    """A profile with its ETag; `created_status` when the call created it."""
    status = created_status if result.created else 200
    return Response(result.view, status_code=status, headers={"ETag": etag_for(result.version)})


ProfileId = Annotated[str, PathParameter(description="The profile's id (24 hex digits)")]

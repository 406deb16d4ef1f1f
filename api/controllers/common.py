"""Helpers shared by controllers: the caller, responses with ETags, pages."""

from typing import Annotated, Any

from litestar import Request, Response
from litestar.params import PathParameter
from litestar.security.jwt import Token

from api.etag import etag_for
from service.caller import Caller
from service.cursor import CursorCodec
from service.results import ProfileResult

AuthRequest = Request[Caller, Token, Any]


def cursor_codec(request: AuthRequest) -> CursorCodec:
    """The app's cursor codec."""
    codec: CursorCodec = request.app.state.cursor_codec
    return codec


def profile_response(result: ProfileResult, *, created_status: int = 201) -> Response[Any]:
    """A profile with its ETag; `created_status` when the call created it."""
    status = created_status if result.created else 200
    return Response(result.view, status_code=status, headers={"ETag": etag_for(result.version)})


ProfileId = Annotated[str, PathParameter(description="The profile's id (24 hex digits)")]

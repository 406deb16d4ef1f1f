"""Responses that carry a profile's ETag: a profile, content of it (an item, a part, a
record, a list of them), or nothing (204)."""

from typing import Any

from litestar import Response

from api.etag import etag_for
from service.profiles.results import ContentResult, ProfileResult


def profile_response(result: ProfileResult, *, created_status: int = 201) -> Response[Any]:
    """A profile with its ETag; `created_status` when the call created it."""
    status = created_status if result.created else 200
    return Response(result.view, status_code=status, headers={"ETag": etag_for(result.version)})


def value_response(result: ContentResult, status: int = 200) -> Response[Any]:
    """The content itself with the profile's ETag."""
    return Response(result.value, status_code=status, headers={"ETag": etag_for(result.version)})


def items_response(result: ContentResult, status: int = 200) -> Response[Any]:
    """`{"items": [...]}` with the profile's ETag."""
    return value_response(ContentResult({"items": result.value}, result.version), status)


def empty_response(result: ContentResult) -> Response[None]:
    """204 with the profile's new ETag."""
    return Response(None, status_code=204, headers={"ETag": etag_for(result.version)})

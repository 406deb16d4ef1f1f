"""Responses that carry a profile's ETag: a profile, content of it (an item, a part, a
record, a list of them), or nothing (204); a creation also says where the created thing
is (`Location`)."""

from typing import Any

from litestar import Response

from api.etag import etag_for
from service.profiles.results import ContentResult, ProfileResult

ETAG: dict[str, Any] = {"etag": True}
"""`opt` of a handler whose every success carries the profile's `ETag` (the OpenAPI
document declares the header)."""


def profile_location(view: dict[str, Any]) -> str:
    """Where a profile is read: `/v1/dancers/{id}` or `/v1/choreographers/{id}`."""
    return f"/v1/{view['profileType']}s/{view['id']}"


def profile_response(result: ProfileResult, *, created_status: int = 201) -> Response[Any]:
    """A profile with its ETag; `created_status` (and `Location`) when the call created it."""
    headers = {"ETag": etag_for(result.version, public=result.public)}
    if result.created:
        headers["Location"] = profile_location(result.view)
    status = created_status if result.created else 200
    return Response(result.view, status_code=status, headers=headers)


def value_response(
    result: ContentResult, status: int = 200, *, location: str | None = None
) -> Response[Any]:
    """The content itself with the profile's ETag (and where it is, when created)."""
    headers = {"ETag": etag_for(result.version, public=result.public)}
    if location is not None:
        headers["Location"] = location
    return Response(result.value, status_code=status, headers=headers)


def items_response(
    result: ContentResult, status: int = 200, *, location: str | None = None
) -> Response[Any]:
    """`{"items": [...]}` with the profile's ETag."""
    return value_response(
        ContentResult({"items": result.value}, result.version, public=result.public),
        status,
        location=location,
    )


def empty_response(result: ContentResult) -> Response[None]:
    """204 with the profile's new ETag."""
    return Response(None, status_code=204, headers={"ETag": etag_for(result.version)})

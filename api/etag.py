"""ETags: a profile's version, quoted (`"7"`)."""

from litestar.exceptions import HTTPException


def etag_for(version: int) -> str:
    """The ETag header value of a profile at `version`."""
    return f'"{version}"'


def parse_if_match(value: str | None) -> int | None:
    """The version an `If-Match` header names; None when absent or `*`."""
    if value is None or value.strip() == "*":
        return None
    tag = value.strip()
    if tag.startswith("W/"):
        tag = tag[2:]
    tag = tag.strip('"')
    if not tag.isdigit() or len(tag) > 18:
        raise HTTPException(
            status_code=412,
            detail=f'If-Match {value!r} is not an ETag of this service (they look like "3")',
        )
    return int(tag)

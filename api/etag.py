"""ETags: a profile's version, quoted (`"7"`)."""

import re

from service.platform.errors import MalformedInput

IF_MATCH_PATTERN = r'^(\*|"[0-9]{1,18}")?$'
"""What `If-Match` may hold: `*`, one entity tag of this service (a quoted version), or
nothing (an empty header is no precondition, as an absent one). Anything else, a weak
tag or a list of tags among them, is a malformed request (400) before it is compared."""

_IF_MATCH = re.compile(IF_MATCH_PATTERN)
NOT_AN_ETAG = "not an ETag of this service"


PUBLIC_SUFFIX = "-public"


def etag_for(version: int, *, public: bool = False) -> str:
    """The ETag header value of a profile at `version`: `"7"` for the full view, and
    `"7-public"` for the public view, another representation (a cache must not hand one
    to a reader of the other). `If-Match` takes the full view's."""
    return f'"{version}{PUBLIC_SUFFIX if public else ""}"'


def parse_if_match(value: str | None) -> int | None:
    """The version an `If-Match` header names; None when absent, empty or `*`."""
    if value is None or value in ("", "*"):
        return None
    if _IF_MATCH.fullmatch(value) is None:
        raise MalformedInput(
            f"If-Match {value!r} is not an ETag of this service: send the ETag header of"
            ' the profile as you read it (`"3"`), or `*`',
            extra={
                "errors": [
                    {
                        "field": "If-Match",
                        "message": "not an ETag of this service",
                        "source": "header",
                    }
                ]
            },
        )
    return int(value.strip('"'))

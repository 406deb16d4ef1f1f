"""The kinds of problem the API answers with: a stable `type` URI each (RFC 9457), the
one thing a client branches on. Titles and details are for people and may change; a
`type` never does. The OpenAPI schema lists them as the `Problem` schema's `type` enum."""

from dataclasses import dataclass

PREFIX = "urn:profiles:problem:"
"""Types are URNs: stable names, not addresses to fetch (the README documents each)."""


@dataclass(frozen=True)
class ProblemType:
    slug: str
    status: int
    meaning: str

    @property
    def uri(self) -> str:
        return PREFIX + self.slug


MALFORMED_REQUEST = ProblemType(
    "malformed-request",
    400,
    "The body is not JSON, not UTF-8, or nested too deeply, or a header is not of its form"
    " (`If-Match`; `errors` names it)",
)
UNAUTHORIZED = ProblemType(
    "unauthorized", 401, "No bearer token, or one that is expired, badly signed or malformed"
)
FORBIDDEN = ProblemType("forbidden", 403, "Authenticated, but not the owner or an admin")
NOT_FOUND = ProblemType(
    "not-found", 404, "No such resource: an unknown or malformed id, or no account yet"
)
METHOD_NOT_ALLOWED = ProblemType(
    "method-not-allowed", 405, "The path exists, the method does not (`Allow` lists those that do)"
)
CONFLICT = ProblemType(
    "conflict",
    409,
    "The request conflicts with the current state (a second profile of one type, no"
    " active profile, a duplicate headshot): retrying the same request will not help",
)
CONCURRENT_CHANGE = ProblemType(
    "concurrent-change",
    409,
    "Another request changed the same data at the same moment: read again and retry",
)
STALE_VERSION = ProblemType(
    "stale-version", 412, "`If-Match` names a version that is no longer the current one"
)
BODY_TOO_LARGE = ProblemType("body-too-large", 413, "The request body is larger than allowed")
INVALID_INPUT = ProblemType(
    "invalid-input",
    422,
    "A field, parameter or header fails its rule; `errors` names each (`field`, `message`,"
    " `source`)",
)
RATE_LIMITED = ProblemType(
    "rate-limited", 429, "Too many requests from this caller; retry after `Retry-After` seconds"
)
SERVER_ERROR = ProblemType("server-error", 500, "A fault of the server's; it has been logged")
UNAVAILABLE = ProblemType(
    "unavailable",
    503,
    "The database or the identity provider did not answer in time, or a migration is"
    " pending; retry after `Retry-After` seconds",
)

ALL = (
    MALFORMED_REQUEST,
    UNAUTHORIZED,
    FORBIDDEN,
    NOT_FOUND,
    METHOD_NOT_ALLOWED,
    CONFLICT,
    CONCURRENT_CHANGE,
    STALE_VERSION,
    BODY_TOO_LARGE,
    INVALID_INPUT,
    RATE_LIMITED,
    SERVER_ERROR,
    UNAVAILABLE,
)

_BY_STATUS = {kind.status: kind for kind in reversed(ALL)}
"""The usual kind of each status (the first listed: `conflict` for 409)."""


def for_status(status: int) -> ProblemType:
    """The kind of problem a status stands for when nothing more precise is known."""
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    return SERVER_ERROR if status >= 500 else MALFORMED_REQUEST

"""The statuses every operation can answer beyond its own, and the headers of every
response, declared where the server sends them."""

from typing import Any

from api import problems
from api.etag import IF_MATCH_PATTERN
from api.rate_limit import LIMIT_HEADER, REMAINING_HEADER, RESET_HEADER, is_limited

PROBLEM_JSON = "application/problem+json"

REQUEST_ID = {
    "description": "The request's id (yours when you sent a safe `X-Request-ID`): every log"
    " line of the request carries it",
    "required": True,
    "schema": {"type": "string", "pattern": "^[A-Za-z0-9._:-]{1,100}$"},
}


def _whole_number(description: str) -> dict[str, Any]:
    """A required header holding a whole number."""
    return {
        "description": description,
        "required": True,
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    }


RETRY_AFTER = _whole_number("Seconds to wait before trying again")
OPTIONAL_RETRY_AFTER = {
    **RETRY_AFTER,
    "description": "With `concurrent-change`: seconds to wait before reading again and retrying",
    "required": False,
}
_WHILE_LIMITED = (
    " Sent on every answer to a GET under `/v1` while the rate limit is on (the default)."
)
RATE_LIMIT_HEADERS = {
    LIMIT_HEADER: _whole_number(
        "Requests the caller may make at once: the burst of the rate limit's bucket this"
        " request spent from (searches have one of their own)"
    ),
    REMAINING_HEADER: _whole_number("Requests left to the caller in that bucket now"),
    RESET_HEADER: _whole_number("Seconds until that bucket is full again (0: it is full)"),
}
"""The rate limit's headers (`api.rate_limit`), by header name."""
UNCOUNTED_STATUSES = frozenset({401, 405, 412, 413})
"""Problems no counted request answers: a refused token (refused before it is counted),
a method the path does not have (refused before any route runs), a stale `If-Match` and
a body too large (writes, which are not counted)."""


def _component(header: str) -> str:
    return header.replace("-", "")


def _optional_component(header: str) -> str:
    return "Optional" + _component(header)


ETAG = {
    "description": "The profile's version: send it back in `If-Match` to change the profile"
    " only if nobody changed it since. The public view's ends in `-public` (another"
    " representation; only the full view's is an `If-Match`)",
    "required": True,
    "schema": {"type": "string", "pattern": '^"[0-9]{1,18}(-public)?"$'},
}
OPTIONAL_ETAG = {
    **ETAG,
    "description": "The active profile's version (none without an active profile)",
    "required": False,
}
LOCATION = {
    "description": "Where the created resource is read",
    "required": True,
    "schema": {"type": "string", "format": "uri-reference"},
}

WWW_AUTHENTICATE = {
    "description": "How to authenticate: `Bearer` (a bearer token), with"
    ' `error="invalid_token"` when the token sent was refused (RFC 6750)',
    "required": True,
    "schema": {"type": "string", "pattern": "^Bearer( |$)"},
}

IF_MATCH_SCHEMA = {"type": "string", "pattern": IF_MATCH_PATTERN}


def universal_statuses(path: str, method: str, operation: dict[str, Any]) -> list[int]:
    """Statuses any operation of this shape can answer, whatever its handler does."""
    statuses = [503]  # the database, the request's deadline, or (live) a dead database
    if operation.get("security") != [{}]:
        statuses += [400, 401]
    if is_limited(method, path):
        statuses.append(429)  # the per-caller rate limit of reads
    if "requestBody" in operation:
        statuses += [400, 413, 422]
    parameters = operation.get("parameters", [])
    if any(p["in"] in ("query", "header") for p in parameters):
        statuses.append(422)
    if any(p["in"] == "header" for p in parameters):
        statuses.append(400)  # a header of the wrong form (`If-Match`)
    if any(p["in"] == "path" for p in parameters):
        statuses.append(404)
    return statuses


def problem_responses() -> dict[str, dict[str, Any]]:
    """`components.responses`: one problem response per status, named by it."""
    statuses = sorted({kind.status for kind in problems.ALL})
    return {_problem_name(status): _problem_response(status) for status in statuses}


def problem_response(status: int) -> dict[str, Any]:
    """A reference to the problem response of `status`."""
    return {"$ref": f"#/components/responses/{_problem_name(status)}"}


def _problem_name(status: int) -> str:
    return "Problem" + str(status)


def _problem_response(status: int) -> dict[str, Any]:
    """A problem+json response of `status`, with the problem types it can carry."""
    kinds = [kind for kind in problems.ALL if kind.status == status]
    description = "; ".join(f"`{kind.slug}`: {kind.meaning}" for kind in kinds)
    headers: dict[str, Any] = {
        "X-Request-ID": _ref("RequestId"),
        "Cache-Control": _ref("CacheControl"),
        "Vary": _ref("Vary"),
    }
    if status in (429, 503):
        headers["Retry-After"] = _ref("RetryAfter")
    if status == problems.UNAUTHORIZED.status:
        headers["WWW-Authenticate"] = _ref("WwwAuthenticate")
    if status == problems.CONCURRENT_CHANGE.status:
        headers["Retry-After"] = _ref("OptionalRetryAfter")
    if status not in UNCOUNTED_STATUSES:
        for name in RATE_LIMIT_HEADERS:
            headers[name] = _ref(_component(name) if status == 429 else _optional_component(name))
    return {
        "description": description or "A problem",
        "headers": headers,
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


CACHE_CONTROL = {
    "description": "`private`: the answer is the caller's own, for no shared cache",
    "required": True,
    "schema": {"type": "string", "const": "private"},
}
VARY = {
    "description": "`Authorization`: the answer depends on the token",
    "required": True,
    "schema": {"type": "string"},
}

HEADERS = {
    "CacheControl": CACHE_CONTROL,
    "Vary": VARY,
    "RequestId": REQUEST_ID,
    "RetryAfter": RETRY_AFTER,
    "OptionalRetryAfter": OPTIONAL_RETRY_AFTER,
    "WwwAuthenticate": WWW_AUTHENTICATE,
    "Location": LOCATION,
    "ETag": ETAG,
    "OptionalETag": OPTIONAL_ETAG,
    **{_component(name): header for name, header in RATE_LIMIT_HEADERS.items()},
    **{
        _optional_component(name): {
            **header,
            "description": str(header["description"]) + "." + _WHILE_LIMITED,
            "required": False,
        }
        for name, header in RATE_LIMIT_HEADERS.items()
    },
}
"""`components.headers`: each header declared once, referred to by every response."""


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/headers/{name}"}


def response_headers(
    status: str, *, etag: bool, etag_always: bool, rate_limited: bool
) -> dict[str, dict[str, Any]]:
    """The headers a response of `status` carries (references to `HEADERS`);
    `rate_limited`: the operation's requests are counted by the rate limit."""
    headers: dict[str, dict[str, Any]] = {
        "X-Request-ID": _ref("RequestId"),
        "Cache-Control": _ref("CacheControl"),
        "Vary": _ref("Vary"),
    }
    code = int(status)
    if code in (429, 503):
        headers["Retry-After"] = _ref("RetryAfter")
    if code == 201:
        headers["Location"] = _ref("Location")
    if etag and 200 <= code < 300:
        headers["ETag"] = _ref("ETag" if etag_always else "OptionalETag")
    if rate_limited:
        headers.update({name: _ref(_optional_component(name)) for name in RATE_LIMIT_HEADERS})
    return headers

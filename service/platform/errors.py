"""Errors the service raises; the API turns each into a problem+json response."""

from typing import Any


class ServiceError(Exception):
    """Base of expected failures: each carries an HTTP-like status and a detail a person
    can act on."""

    status_code = 500
    title = "Internal error"

    def __init__(self, detail: str, *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra or {}


class MalformedInput(ServiceError):
    """A request the server cannot read at all (a header of the wrong form)."""

    status_code = 400
    title = "Bad request"


class NotFound(ServiceError):
    status_code = 404
    title = "Not found"


class Forbidden(ServiceError):
    status_code = 403
    title = "Forbidden"


class Conflict(ServiceError):
    status_code = 409
    title = "Conflict"


class ConcurrentChange(Conflict):
    """Another request changed the same data at the same moment: retrying can succeed."""


class PreconditionFailed(ServiceError):
    status_code = 412
    title = "Precondition failed"


class InvalidInput(ServiceError):
    status_code = 422
    title = "Invalid input"


class Unavailable(ServiceError):
    status_code = 503
    title = "Service unavailable"

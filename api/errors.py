"""Every error as problem details (RFC 9457), `application/problem+json`."""

import logging
from http import HTTPStatus
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.plugins.problem_details import (
    ProblemDetailsConfig,
    ProblemDetailsException,
    ProblemDetailsPlugin,
)
from pymongo.errors import ConnectionFailure, PyMongoError

from api import problems
from api.problems import ProblemType
from api.schemas.responses import Problem
from api.validation import field_errors
from service.platform.errors import ConcurrentChange, ServiceError
from service.platform.transactions import is_unavailable, is_write_conflict

logger = logging.getLogger("profiles.api")

RETRY_AFTER_SECONDS = 1
"""`Retry-After` of every 503. What makes the database unavailable to a request is
mostly short-lived (a dropped connection, an election, a request deadline missed under
load), and the request already waited up to its deadline before answering: a second,
plus the caller's own backoff, is enough and does not pile retries onto a struggling
database."""


def _problem(
    kind: ProblemType,
    detail: str,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    status: int | None = None,
) -> ProblemDetailsException:
    """Problem details of this `kind` (at its status unless `status` says otherwise); a
    503 and a concurrent change always say when to retry (`Retry-After`)."""
    status = status or kind.status
    retry = status == 503 or kind is problems.CONCURRENT_CHANGE
    if retry and not any(name.lower() == "retry-after" for name in headers or {}):
        headers = {**(headers or {}), "Retry-After": str(RETRY_AFTER_SECONDS)}
    return ProblemDetailsException(
        status_code=status,
        type_=kind.uri,
        title=HTTPStatus(status).phrase,
        detail=detail,
        extra=extra,
        headers=headers,
    )


def from_service_error(error: ServiceError) -> ProblemDetailsException:
    """A service error as problem details (`Unavailable`, 503, with `Retry-After`)."""
    kind = (
        problems.CONCURRENT_CHANGE
        if isinstance(error, ConcurrentChange)
        else problems.for_status(error.status_code)
    )
    return _problem(kind, error.detail, error.extra or None, status=error.status_code)


def from_validation_error(
    error: ValidationException, request: Request[Any, Any, Any]
) -> ProblemDetailsException:
    """A request that failed validation: 422 with the path of every field at fault."""
    errors = field_errors(error, request)
    fields = ", ".join(dict.fromkeys(e["field"] for e in errors if e["field"])) or "the request"
    return _problem(problems.INVALID_INPUT, f"invalid input in {fields}", {"errors": errors})


def from_http_exception(error: HTTPException) -> ProblemDetailsException:
    """Litestar's own HTTP errors (401, 404 route, 405, 413, 429, ...) as problem details;
    a 401 always with `WWW-Authenticate` (`Bearer` unless the error names another)."""
    detail = error.detail or HTTPStatus(error.status_code).phrase
    headers = error.headers
    if error.status_code == 401:
        detail = f"{detail}: send a valid bearer token in the Authorization header"
        if not any(name.lower() == "www-authenticate" for name in headers or {}):
            headers = {**(headers or {}), "WWW-Authenticate": "Bearer"}
    if error.status_code >= 500:
        detail = "the server failed to answer this request"
    kind = problems.for_status(error.status_code)
    return _problem(kind, detail, headers=headers, status=error.status_code)


def provider_unavailable(
    retry_after_seconds: int,
    detail: str = "the identity provider's keys could not be fetched; try again shortly",
) -> ProblemDetailsException:
    """The identity provider's keys could not be fetched and none are in hand (or not
    before the request's deadline): 503, with `Retry-After` the seconds until the next
    fetch may start (or until one in flight may be done)."""
    return _problem(problems.UNAVAILABLE, detail, headers={"Retry-After": str(retry_after_seconds)})


def from_connection_failure(error: ConnectionFailure) -> ProblemDetailsException:
    """The database did not answer (a network error, no server to select, the request's
    deadline passed): 503 with `Retry-After`."""
    logger.warning("database unavailable: %s", type(error).__name__)
    return _problem(problems.UNAVAILABLE, "the database did not answer; try again shortly")


def from_database_error(error: PyMongoError) -> ProblemDetailsException:
    """A database error PyMongo's own retries did not cure: 503 when the database is
    unavailable for now (timeouts, step-downs, shutdowns), 409 for a write conflict,
    else logged and 500."""
    if is_unavailable(error):
        logger.warning("database unavailable: %s", type(error).__name__)
        return _problem(problems.UNAVAILABLE, "the database did not answer; try again shortly")
    if is_write_conflict(error):
        return _problem(
            problems.CONCURRENT_CHANGE,
            "a concurrent request changed this; read it again and retry",
        )
    return from_unexpected_error(error)


def from_undecodable_body(_: UnicodeDecodeError) -> ProblemDetailsException:
    """A body that is not UTF-8: 400."""
    return _problem(problems.MALFORMED_REQUEST, "the request body is not valid UTF-8 JSON")


def from_recursion_error(error: RecursionError) -> ProblemDetailsException:
    """A JSON body nested deeper than the decoder recurses: 400. Any other recursion
    error is a fault of the server's."""
    if "deserializing" in str(error):
        return _problem(
            problems.MALFORMED_REQUEST, "the request body is nested too deeply to be read as JSON"
        )
    return from_unexpected_error(error)


def from_unexpected_error(error: Exception) -> ProblemDetailsException:
    """Anything unexpected: logged with its traceback, answered as a bare 500."""
    logger.error("unexpected error", exc_info=error)
    return _problem(
        problems.SERVER_ERROR, "the server failed to answer this request; it has been logged"
    )


def validation_problem(
    request: Request[Any, Any, Any], error: ValidationException
) -> Response[dict[str, Any]]:
    """The exception handler of validation errors (it needs the request: the body's type
    names the fields at fault)."""
    return from_validation_error(error, request).to_response(request)


def problem_details_plugin() -> ProblemDetailsPlugin:
    """The plugin that renders every error of the app as problem details."""
    return ProblemDetailsPlugin(
        ProblemDetailsConfig(
            exception_to_problem_detail_map={
                HTTPException: from_http_exception,
                ServiceError: from_service_error,
                ConnectionFailure: from_connection_failure,
                PyMongoError: from_database_error,
                UnicodeDecodeError: from_undecodable_body,
                RecursionError: from_recursion_error,
                Exception: from_unexpected_error,
            }
        )
    )


def problem_responses(*codes: int) -> dict[int, ResponseSpec]:
    """OpenAPI response entries for the error statuses particular to an operation (403,
    404, 409, 412, ...). Those every operation of its kind can answer (401, 400, 422,
    429, 503) are added by rule, and each status's description and headers written, by
    `api.openapi`."""
    return {
        code: ResponseSpec(
            data_container=Problem,
            description=problems.for_status(code).meaning,
            media_type="application/problem+json",
            generate_examples=False,
        )
        for code in codes
    }

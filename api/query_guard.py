"""Query parameters as declared: an endpoint refuses those it does not know (a misspelt
filter must not widen a search silently), a parameter of one value sent twice, and a
boolean that is not `true`, `false`, `1` or `0` (`verified=null` is no boolean)."""

from typing import Any, get_args, get_origin

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.params import ParameterKwarg

from service.platform.errors import InvalidInput


def query_parameter_names(handler: BaseRouteHandler) -> set[str]:
    """The query parameters `handler` declares (by their names on the wire)."""
    names: set[str] = set()
    for name, field in handler.parsed_fn_signature.parameters.items():
        if name in ("request", "data", "state", "headers", "cookies", "query", "scope"):
            continue
        kwarg = field.kwarg_definition
        if isinstance(kwarg, ParameterKwarg):
            if kwarg.header or kwarg.cookie:
                continue
            names.add(getattr(kwarg, "name", None) or kwarg.query or name)
        else:
            names.add(name)
    return names - _path_names(handler)


BOOLEAN_VALUES = frozenset({"true", "false", "1", "0"})


def _is_bool(annotation: Any) -> bool:
    return annotation is bool or set(get_args(annotation)) == {bool, type(None)}


def _is_optional_non_text(annotation: Any) -> bool:
    options = set(get_args(annotation))
    return type(None) in options and not options & {str, list[str]}


def _is_list(annotation: Any) -> bool:
    return any(
        get_origin(option) in (list, tuple) for option in (annotation, *get_args(annotation))
    )


async def query_parameters_as_declared(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """A guard (async: Litestar runs a sync guard in a worker thread, a thread hop on
    every request): 422 naming each query parameter sent twice where it takes one value, a
    boolean sent as something else than `true`, `false`, `1` or `0`, or `null` given
    for a date or number (a parameter left out is the way to say none)."""
    if not connection.query_params:
        return
    errors = []
    for name, field in handler.parsed_fn_signature.parameters.items():
        kwarg = field.kwarg_definition
        if not isinstance(kwarg, ParameterKwarg) or kwarg.header or kwarg.cookie:
            continue
        wire = getattr(kwarg, "name", None) or kwarg.query or name
        values = connection.query_params.getall(wire, [])
        if len(values) > 1 and not _is_list(field.annotation):
            errors.append({"field": wire, "message": "takes one value", "source": "query"})
        elif _is_bool(field.annotation) and any(v.lower() not in BOOLEAN_VALUES for v in values):
            errors.append({"field": wire, "message": "must be true or false", "source": "query"})
        elif _is_optional_non_text(field.annotation) and "null" in values:
            # a query string has no null: `availableTo=null` is not "no date"
            errors.append({"field": wire, "message": "is not a value", "source": "query"})
    if errors:
        raise InvalidInput(
            "invalid query parameters: " + ", ".join(e["field"] for e in errors),
            extra={"errors": errors},
        )


def _path_names(handler: BaseRouteHandler) -> set[str]:
    names: set[str] = set()
    for path in handler.paths:
        for part in path.split("/"):
            if part.startswith("{") and part.endswith("}"):
                names.add(part[1:-1].split(":", 1)[0])
    return names


async def known_query_parameters_only(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """A guard: 422 naming each query parameter the endpoint does not take."""
    unknown = sorted(set(connection.query_params) - query_parameter_names(handler))
    if unknown:
        allowed = ", ".join(sorted(query_parameter_names(handler)))
        raise InvalidInput(
            f"unknown query parameters: {', '.join(unknown)} (this endpoint takes {allowed})",
            extra={
                "errors": [
                    {"field": name, "message": "unknown query parameter"} for name in unknown
                ]
            },
        )

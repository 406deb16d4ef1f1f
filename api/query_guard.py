"""Refuse query parameters an endpoint does not know: a misspelt filter must not widen a
search silently."""

from typing import Any

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


def _path_names(handler: BaseRouteHandler) -> set[str]:
    names: set[str] = set()
    for path in handler.paths:
        for part in path.split("/"):
            if part.startswith("{") and part.endswith("}"):
                names.add(part[1:-1].split(":", 1)[0])
    return names


def known_query_parameters_only(
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

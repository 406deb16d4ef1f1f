"""What the document's steps need to know of each operation, read off the app's route
handlers: the body's type, the types it answers with, and the handler's own marks
(`opt`: `etag`, `links`)."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, get_args

from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.routes import HTTPRoute
from pydantic import BaseModel


@dataclass(frozen=True)
class Operation:
    path: str
    method: str
    handler: HTTPRouteHandler

    @property
    def body_type(self) -> Any:
        parameter = self.handler.parsed_fn_signature.parameters.get("data")
        return None if parameter is None else parameter.annotation

    @property
    def return_type(self) -> Any:
        return self.handler.parsed_fn_signature.return_type.annotation

    @property
    def carries_etag(self) -> bool:
        return bool(self.handler.opt.get("etag"))


def operations(app: Litestar) -> Iterator[Operation]:
    """Every documented operation of `app`."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if not handler.include_in_schema:
                continue
            for method in sorted(handler.http_methods):
                if method in ("HEAD", "OPTIONS"):
                    continue
                yield Operation(route.path_format, method.lower(), handler)


def models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    """The pydantic models an annotation names (through `Response[...]`, lists, unions)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for argument in get_args(annotation):
        yield from models_in(argument)

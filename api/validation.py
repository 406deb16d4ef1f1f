"""The errors of a request that failed validation, each named by its path in the request
as the client wrote it: `activeProfile.bio`, `headshots.0.url`, `If-Match`.

Pydantic names the member of a union it tried inside an error's location
(`activeProfile.DancerPatch.foo`, `dancer.headshots.0.url`, `sizing.shirt.constrained-str`):
those are names of the server's models, not of anything the client sent. The location is
walked along the body's type, and the segment a union adds is dropped; of a union of
models, only the errors of the member that came closest (fewest errors) are kept.
"""

import types
from collections.abc import Iterable, Sequence
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from litestar import Request
from litestar.exceptions import ValidationException
from pydantic import BaseModel, RootModel
from pydantic.fields import FieldInfo

from api.deps import WIRE_NAMES
from documents.profile_base import SERVER_FIELDS

SERVER_OWNED_FIELDS = (SERVER_FIELDS - {"revision_id"}) | {
    "profileType",
    "searchTokens",
    "authId",
    "activeProfileType",
    "activeDancerId",
    "activeChoreographerId",
    "onboardingComplete",
}
"""Fields a request body may not set: the service sets them."""

Location = tuple[str | int, ...]


def field_errors(
    error: ValidationException, request: Request[Any, Any, Any]
) -> list[dict[str, str]]:
    """`{field, message, source}` for each failure of this request's validation."""
    raw = getattr(error.__cause__, "errors", None)
    body_type = _body_type(request)
    if isinstance(raw, list) and body_type is not None:
        found = [_body_error(item, body_type) for item in _closest_members(raw, body_type)]
    else:
        items = error.extra if isinstance(error.extra, list) else []
        found = [_parameter_error(item) for item in items if isinstance(item, dict)]
    unique: dict[tuple[str, str], dict[str, str]] = {}
    for item in found:
        unique.setdefault((item["field"], item["message"]), item)
    return list(unique.values())


def _body_type(request: Request[Any, Any, Any]) -> Any:
    parameter = request.route_handler.parsed_fn_signature.parameters.get("data")
    return None if parameter is None else parameter.annotation


def _parameter_error(item: dict[str, Any]) -> dict[str, str]:
    field = str(item.get("key", ""))
    field = WIRE_NAMES.get(field, field)
    error = {"field": field, "message": str(item.get("message", "invalid value"))}
    if "source" in item:
        source = item["source"]
        error["source"] = str(getattr(source, "value", source))
    elif field in WIRE_NAMES.values():
        error["source"] = "header"
    return error


def _body_error(item: dict[str, Any], body_type: Any) -> dict[str, str]:
    location = tuple(item.get("loc", ()))
    path = [str(part) for part in body_path(body_type, location)]
    message = str(item.get("msg", "invalid value"))
    kind = item.get("type")
    if kind == "extra_forbidden" and path:
        message = (
            f"`{path[-1]}` is set by the server and cannot be written"
            if path[-1] in SERVER_OWNED_FIELDS
            else f"`{path[-1]}` is not a field of this resource"
        )
    elif kind in ("union_tag_not_found", "union_tag_invalid"):
        name = str((item.get("ctx") or {}).get("discriminator", "")).strip("'")
        path.append(name)
        message = f"`{name}` must be one of: {_expected_tags(body_type, location)}"
    return {"field": ".".join(path), "message": message, "source": "body"}


def _expected_tags(body_type: Any, location: Location) -> str:
    union = _type_at(body_type, location)
    tags = [tag for member in _members(union) for tag in _tags(member, union)]
    return ", ".join(tags) or "a known value"


def body_path(annotation: Any, location: Location) -> list[str | int]:
    """`location` without the segments pydantic adds for the members of unions."""
    path: list[str | int] = []
    current: Any = annotation
    index = 0
    while index < len(location):
        part = location[index]
        current = _unwrapped(current)
        members = _members(current)
        if members:
            current = _member_for(members, current, part)
            index += 1
            continue
        path.append(part)
        current = _child(current, part)
        index += 1
    return path


def _type_at(annotation: Any, location: Location) -> Any:
    current: Any = annotation
    for part in location:
        current = _unwrapped(current)
        members = _members(current)
        current = _member_for(members, current, part) if members else _child(current, part)
    return _unwrapped(current)


def _closest_members(errors: list[dict[str, Any]], body_type: Any) -> list[dict[str, Any]]:
    """Of the errors under a union of models, those of the member with the fewest."""
    by_member: dict[tuple[Location, str], list[dict[str, Any]]] = {}
    kept: list[dict[str, Any]] = []
    for item in errors:
        split = _union_split(body_type, tuple(item.get("loc", ())))
        if split is None:
            kept.append(item)
        else:
            by_member.setdefault(split, []).append(item)
    groups: dict[Location, list[list[dict[str, Any]]]] = {}
    for (prefix, _), items in by_member.items():
        groups.setdefault(prefix, []).append(items)
    for candidates in groups.values():
        fewest = min(_fields_at_fault(items, body_type) for items in candidates)
        for items in candidates:
            if _fields_at_fault(items, body_type) == fewest:
                kept.extend(items)
    return kept


def _fields_at_fault(errors: list[dict[str, Any]], body_type: Any) -> int:
    return len({tuple(body_path(body_type, tuple(item.get("loc", ())))) for item in errors})


def _union_split(annotation: Any, location: Location) -> tuple[Location, str] | None:
    """(location of the union, member tag) of the first union of models on the way."""
    current: Any = annotation
    for index, part in enumerate(location):
        current = _unwrapped(current)
        members = _members(current)
        if members:
            if any(_is_model(member) for member in members) and index + 1 < len(location):
                return location[:index], str(part)
            current = _member_for(members, current, part)
        else:
            current = _child(current, part)
    return None


def _unwrapped(annotation: Any) -> Any:
    """The type without `Annotated` and without `None` in an optional."""
    while True:
        if get_origin(annotation) is Annotated:
            if _discriminators(annotation) and _members(get_args(annotation)[0]):
                return annotation  # a discriminated union: its tags are the discriminator's
            annotation = get_args(annotation)[0]
            continue
        if isinstance(annotation, type) and issubclass(annotation, RootModel):
            root = annotation.model_fields["root"]
            annotation = _with_metadata(root)
            continue
        if _is_union(annotation):
            members = [arg for arg in get_args(annotation) if arg is not type(None)]
            if len(members) == 1:
                annotation = members[0]
                continue
        return annotation


def _with_metadata(field: FieldInfo) -> Any:
    if field.discriminator is not None:
        return Annotated[field.annotation, field]
    return field.annotation


def _is_union(annotation: Any) -> bool:
    return get_origin(annotation) in (Union, types.UnionType)


def _members(annotation: Any) -> list[Any]:
    """The members of a union of two or more types (empty: not one)."""
    if get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    if _is_union(annotation):
        members = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(members) > 1:
            return members
    return []


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _tags(member: Any, union: Any) -> Iterable[str]:
    """What pydantic calls `member` in a location: its discriminator value(s), else its
    class name."""
    if _is_model(member):
        for name in _discriminators(union):
            field = member.model_fields.get(name)
            if field is not None and get_origin(field.annotation) is Literal:
                return [str(value) for value in get_args(field.annotation)]
        return [member.__name__]
    return []


def _discriminators(union: Any) -> Sequence[str]:
    return [
        str(field.discriminator)
        for field in getattr(union, "__metadata__", ())
        if isinstance(field, FieldInfo) and isinstance(field.discriminator, str)
    ]


def _member_for(members: list[Any], union: Any, tag: str | int) -> Any:
    for member in members:
        if str(tag) in _tags(member, union):
            return member
    return None


def _child(annotation: Any, part: str | int) -> Any:
    if _is_model(annotation):
        field = annotation.model_fields.get(str(part))
        return None if field is None else _with_metadata(field)
    origin = get_origin(annotation)
    if origin in (list, tuple, set, frozenset, Sequence) and isinstance(part, int):
        args = get_args(annotation)
        return args[0] if args else None
    if origin is dict:
        args = get_args(annotation)
        return args[1] if len(args) == 2 else None
    return None

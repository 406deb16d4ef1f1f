"""The one place that decides what of a profile others may see.

Owners and admins get the full view. Everyone else gets the public view, an allow-list:
the fields the profile documents declare (`documents`), at every depth, minus the
private ones (no agent contact details, no SAG-AFTRA id, no sizing, no birth year). A
key carried over from legacy data that no document declares (`representation.agentEmail`,
`attributes.dateOfBirth`) is kept and shown to the owner, and is private until a
document declares it.
"""

import datetime
import enum
import math
import types
from typing import Any, Union, get_args, get_origin

from bson import Decimal128
from bson.code import Code
from pydantic import BaseModel
from pydantic_core import to_jsonable_python

from documents.profile_base import ProfileDocument

# top-level fields of a profile that only its owner and admins see
PRIVATE_FIELDS = frozenset({"sagAftraId", "sizing"})
# fields inside objects that only its owner and admins see
PRIVATE_NESTED_FIELDS = {
    "attributes": frozenset({"birthYear"}),
    "representation": frozenset({"agentName", "email", "phone"}),
}
# fields a profile document keeps for the server's own use
INTERNAL_FIELDS = frozenset(
    {
        "_id",
        "id",
        "searchTokens",
        "rankKey",
        "derivedWith",
        "projectCount",
        "trainingCount",
        "revision_id",
    }
)
# what every view adds to the document's fields
VIEW_FIELDS = frozenset({"id", "userId", "profileType"})


_LEFT_OUT = object()


def json_ready(value: Any) -> Any:
    """`value` (a document as Python values) as the API can answer it: values with no
    JSON form that is the same value are left out, at any depth: non-finite numbers,
    Regex, Timestamp, DBRef, Code, MinKey/MaxKey, binary data, ObjectIds (legacy data
    can hold them where a profile declares nothing). The stored document keeps them."""
    ready = _ready(value)
    return None if ready is _LEFT_OUT else ready


def _ready(value: Any) -> Any:
    kind = type(value)  # exact types first: what nearly every stored value is
    if kind is str or kind is bool or value is None:
        return value
    if kind is dict:
        kept = {key: _ready(item) for key, item in value.items()}
        return {str(key): item for key, item in kept.items() if item is not _LEFT_OUT}
    if kind is list:
        return [item for item in map(_ready, value) if item is not _LEFT_OUT]
    if kind is int:
        return value
    if kind is float:
        return value if math.isfinite(value) else _LEFT_OUT
    return _ready_other(value)


def _ready_other(value: Any) -> Any:
    """Subclasses and the other types (`Code` is a `str`, `Int64` an `int`)."""
    if isinstance(value, Code):
        return _LEFT_OUT
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)  # an Int64 too
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else _LEFT_OUT
    if isinstance(value, Decimal128):
        number = float(value.to_decimal())
        return number if math.isfinite(number) else _LEFT_OUT
    if isinstance(value, dict | list | tuple):
        return _ready(dict(value) if isinstance(value, dict) else list(value))
    if isinstance(value, datetime.date | datetime.time | datetime.timedelta | enum.Enum):
        return to_jsonable_python(value)
    return _LEFT_OUT


def profile_view(profile: ProfileDocument, *, full: bool) -> dict[str, Any]:
    """The JSON-ready representation of `profile`, full or public."""
    fields = set(type(profile).model_fields) - INTERNAL_FIELDS
    body: dict[str, Any] = json_ready(profile.model_dump(mode="python", include=fields))
    view: dict[str, Any] = {
        "id": str(profile.id),
        "userId": str(profile.userId),
        "profileType": profile.profile_type,
        **body,
    }
    return view if full else public_view(view, type(profile))


def public_view(view: dict[str, Any], document: type[ProfileDocument]) -> dict[str, Any]:
    """A full view (a plain dict) of a `document` with only what everyone may see."""
    public = {
        name: value
        for name, value in view.items()
        if name not in PRIVATE_FIELDS and (name in VIEW_FIELDS or name in document.model_fields)
    }
    for name, value in list(public.items()):
        if name in document.model_fields:
            public[name] = _declared(value, document.model_fields[name].annotation)
    for name, hidden in PRIVATE_NESTED_FIELDS.items():
        nested = public.get(name)
        if isinstance(nested, dict):
            public[name] = {key: value for key, value in nested.items() if key not in hidden}
    return public


def _declared(value: Any, annotation: Any) -> Any:
    """`value` with only the keys its model declares, at every depth."""
    model = _model_in(annotation)
    if isinstance(value, dict) and model is not None:
        return {
            key: _declared(item, model.model_fields[key].annotation)
            for key, item in value.items()
            if key in model.model_fields
        }
    if isinstance(value, list):
        item_type = _list_item(annotation)
        return [_declared(item, item_type) for item in value]
    return value


def _options(annotation: Any) -> tuple[Any, ...]:
    if get_origin(annotation) in (Union, types.UnionType):
        return tuple(arg for arg in get_args(annotation) if arg is not type(None))
    return (annotation,)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    for option in _options(annotation):
        if isinstance(option, type) and issubclass(option, BaseModel):
            return option
    return None


def _list_item(annotation: Any) -> Any:
    for option in _options(annotation):
        if get_origin(option) is list:
            args = get_args(option)
            return args[0] if args else None
    return None

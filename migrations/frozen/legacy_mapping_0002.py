"""How legacy user fields became profile fields in scripts 0002 and 0003, as they
shipped (`shared/LEGACY.md`): a frozen copy, see `migrations.frozen`.

Only the normalisations LEGACY.md allows are applied; every value that cannot be mapped
is returned as an `Issue` (field, rule, raw value) instead of being dropped or guessed.
"""

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any, get_args

from bson import Decimal128, ObjectId
from bson.code import Code
from pydantic import TypeAdapter, ValidationError

from migrations.frozen.profile_shapes_0002 import FIELD_TYPES, ProfileType

COMMON_FIELDS = (
    "displayName",
    "bio",
    "headshots",
    "resume",
    "links",
    "workLocation",
    "training",
)
PROFILE_FIELDS: dict[ProfileType, tuple[str, ...]] = {
    "dancer": (
        *COMMON_FIELDS,
        "attributes",
        "sizing",
        "sagAftraId",
        "representationStatus",
        "representation",
    ),
    "choreographer": (*COMMON_FIELDS, "companyName"),
}
ALL_PROFILE_FIELDS = tuple(
    dict.fromkeys(PROFILE_FIELDS["dancer"] + PROFILE_FIELDS["choreographer"])
)
LIST_FIELDS = frozenset({"headshots", "links", "workLocation", "training"})
EMPTY_IS_NULL = frozenset({"sagAftraId", "companyName"})
REPRESENTATION_STATUSES = frozenset({"represented", "seeking", "independent"})
PROFILE_TYPES: tuple[ProfileType, ...] = ("dancer", "choreographer")

_HEIGHT = re.compile(r"^([0-9]{1,3})'([0-9]{1,3})\"?$")  # ASCII digits only


@dataclass(frozen=True)
class Issue:
    """A legacy value the migration could not carry over as it is."""

    field: str
    rule: str
    raw: Any
    index: int | None = None
    """The element's index in the legacy list, for an element of a list field (each bad
    element has a record of its own)."""


def normalise_profile_type(raw: Any) -> ProfileType | None:
    """`" Dancer "` -> `"dancer"`; None for anything that is not a known type."""
    if not isinstance(raw, str):
        return None
    folded = raw.strip().lower()
    for profile_type in PROFILE_TYPES:
        if folded == profile_type:
            return profile_type
    return None


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _finite_number(value: Any) -> float | None:
    """`value` as a float when it is a finite number (int, Int64, double, Decimal128; a
    bool is not one), else None."""
    if isinstance(value, Decimal128):
        value = value.to_decimal()
        return float(value) if value.is_finite() else None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        return number if math.isfinite(number) else None
    return None


MAX_INCHES = 120


def _height(raw: Any) -> tuple[dict[str, Any] | None, Issue | None]:
    unrecognised = None, Issue("attributes.height", "height-unrecognised", raw)
    if isinstance(raw, dict):
        numbers = [_finite_number(v) for v in raw.values()]
        if set(raw) <= {"feet", "inches"} and all(
            n is not None and 0 <= n <= MAX_INCHES for n in numbers
        ):
            return raw, None
        return unrecognised
    inches_total = _finite_number(raw)
    if inches_total is not None and 0 <= inches_total <= MAX_INCHES:
        feet, inches = divmod(inches_total if isinstance(raw, Decimal128) else raw, 12)
        return {"feet": int(feet), "inches": inches}, None
    if isinstance(raw, str) and (match := _HEIGHT.match(raw)):
        feet, inches = int(match.group(1)), int(match.group(2))
        if inches < 12 and feet * 12 + inches <= MAX_INCHES:
            return {"feet": feet, "inches": inches}, None
    return unrecognised


def _attributes(raw: Any) -> tuple[Any, list[Issue]]:
    if not isinstance(raw, dict) or "height" not in raw or raw["height"] is None:
        return raw, []
    height, issue = _height(raw["height"])
    mapped = dict(raw)
    if issue is None:
        mapped["height"] = height
        return mapped, []
    del mapped["height"]
    return mapped, [issue]


def _positioned(kept: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Headshots numbered 0, 1, ... by their legacy `position`: finite numbers first, in
    their order; the rest (NaN, null, strings, bools, missing) after them, in list order."""
    kept = [dict(h) for h in kept]

    def key(index: int) -> tuple[float, int]:
        number = _finite_number(kept[index].get("position"))
        return (float("inf") if number is None else number), index

    for position, index in enumerate(sorted(range(len(kept)), key=key)):
        kept[index]["position"] = position
    return kept


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def map_field(field: str, raw: Any) -> tuple[Any, list[Issue]]:
    """The profile value of one legacy field (present on the user), and its issues.

    A returned value of `MISSING` means the field is not copied (see the issues).
    """
    if field in LIST_FIELDS and raw is None:
        return [], []
    if field in EMPTY_IS_NULL and raw == "":
        return None, []
    if field == "workLocation" and isinstance(raw, str):
        return [part.strip() for part in raw.split(",") if part.strip()], []
    if field == "representationStatus" and raw is not None:
        folded = raw.strip().lower() if isinstance(raw, str) else None
        if folded in REPRESENTATION_STATUSES:
            return folded, []
        return MISSING, [Issue(field, "representation-status-unrecognised", raw)]
    if field == "attributes":
        return _attributes(raw)
    return raw, []


def _json_shaped(value: Any, path: str, index: int | None, issues: list[Issue]) -> Any:
    """`value` with every part the API could not answer as the same JSON value left out
    (non-finite numbers, Regex, Timestamp, DBRef, Code, MinKey/MaxKey, binary data,
    ObjectIds), each recorded (`value-without-json-form`, at its path, an element of a
    list inside it at `path.N`, and with `index`, the element of the profile field's list
    it is in); MISSING when `value` itself is one."""
    if isinstance(value, dict):
        kept = {}
        for key, item in value.items():
            shaped = _json_shaped(item, f"{path}.{key}", index, issues)
            if shaped is not MISSING:
                kept[key] = shaped
        return kept
    if isinstance(value, list):
        elements = [
            _json_shaped(item, f"{path}.{i}", index, issues) for i, item in enumerate(value)
        ]
        return [item for item in elements if item is not MISSING]
    if _has_json_form(value):
        return value
    issues.append(Issue(path, "value-without-json-form", value, index))
    return MISSING


def _has_json_form(value: Any) -> bool:
    if isinstance(value, Code):
        return False  # a str, to Python
    if value is None or isinstance(value, bool | str | int | datetime):
        return True
    if isinstance(value, float | Decimal128):
        return _finite_number(value) is not None
    return False


@cache
def _adapter(profile_type: ProfileType, field: str) -> TypeAdapter[Any]:
    """What the profile model loads `field` with (for a list field: one element)."""
    annotation = FIELD_TYPES[profile_type][field]
    if field in LIST_FIELDS:
        (annotation,) = get_args(annotation)
    return TypeAdapter(annotation)


def _loadable(profile_type: ProfileType, field: str, value: Any) -> bool:
    """Whether the profile model loads `value` (an element, for a list field) strictly:
    no lax coercion, `true` is not `1` and `"5"` is not `5`."""
    try:
        _adapter(profile_type, field).validate_python(value, strict=True)
    except ValidationError:
        return False
    return True


def _list_field(
    profile_type: ProfileType, field: str, raw: list[Any], issues: list[Issue]
) -> list[Any]:
    """The elements of a legacy list that map, in order; each one that does not is
    recorded with its index in the legacy list."""
    kept: list[Any] = []
    for index, element in enumerate(raw):
        if field == "headshots" and not isinstance(element, dict):
            issues.append(Issue(field, "headshot-not-an-object", element, index))
            continue
        if field == "headshots":
            # the position is renumbered below, whatever it held (NaN included)
            rest = _json_shaped(
                {k: v for k, v in element.items() if k != "position"}, field, index, issues
            )
            shaped = {
                k: element[k] if k == "position" else rest[k]
                for k in element
                if k in rest or k == "position"
            }
        else:
            shaped = _json_shaped(element, field, index, issues)
        if shaped is MISSING:
            continue
        checked = {**shaped, "position": 0} if field == "headshots" else shaped
        if not _loadable(profile_type, field, checked):
            issues.append(Issue(field, "not-loadable-by-profile-model", element, index))
            continue
        kept.append(shaped)
    return _positioned(kept) if field == "headshots" else kept


def map_legacy_profile(
    user: dict[str, Any], profile_type: ProfileType
) -> tuple[dict[str, Any], list[Issue]]:
    """The profile fields of `profile_type` mapped from a legacy user document, each of a
    type the profile model loads.

    Missing list fields become `[]`; other missing fields stay missing. A value of another
    type is recorded and left out; a non-list in a list field is recorded whole and the
    field becomes `[]`; a `displayName` that cannot be kept becomes null. Fields of the
    other profile type that hold a value are returned as issues (`field-not-for-type`).
    """
    fields: dict[str, Any] = {}
    issues: list[Issue] = []
    for field in PROFILE_FIELDS[profile_type]:
        if field not in user:
            if field in LIST_FIELDS:
                fields[field] = []
            continue
        raw = user[field]
        if field in LIST_FIELDS and isinstance(raw, list):
            fields[field] = _list_field(profile_type, field, raw, issues)
            continue
        value, field_issues = map_field(field, raw)
        issues.extend(field_issues)
        if value is not MISSING:
            value = _json_shaped(value, field, None, issues)
        if value is MISSING:
            continue
        if field in LIST_FIELDS and isinstance(value, list):
            fields[field] = value  # a normalised string (workLocation) or null: `[]`
        elif field not in LIST_FIELDS and _loadable(profile_type, field, value):
            fields[field] = value
        else:
            issues.append(Issue(field, "not-loadable-by-profile-model", raw))
            if field in LIST_FIELDS:
                fields[field] = []
            elif field == "displayName":
                fields[field] = None
    for field in ALL_PROFILE_FIELDS:
        if field not in PROFILE_FIELDS[profile_type] and not _is_empty(user.get(field)):
            issues.append(Issue(field, "field-not-for-type", user[field]))
    return fields, issues


def legacy_created_at(user: dict[str, Any]) -> datetime:
    """`createdAt`, else `_creationTime` (ms since the epoch), else the ObjectId's time."""
    created = user.get("createdAt")
    if isinstance(created, datetime):
        return created if created.tzinfo else created.replace(tzinfo=UTC)
    creation_ms = user.get("_creationTime")
    milliseconds = _finite_number(creation_ms)
    if milliseconds is not None:
        try:
            return datetime.fromtimestamp(milliseconds / 1000, UTC)
        except (OverflowError, OSError, ValueError):
            pass  # no representable date: the ObjectId's time
    oid = user["_id"]
    return oid.generation_time if isinstance(oid, ObjectId) else datetime.now(UTC)


def legacy_updated_at(user: dict[str, Any]) -> datetime:
    """`updatedAt`, else the creation time."""
    updated = user.get("updatedAt")
    if isinstance(updated, datetime):
        return updated if updated.tzinfo else updated.replace(tzinfo=UTC)
    return legacy_created_at(user)

"""How legacy user fields become profile fields (shared/LEGACY.md), and nothing more.

Only the normalisations LEGACY.md allows are applied; every value that cannot be mapped
is returned as an `Issue` (field, rule, raw value) instead of being dropped or guessed.
The same rules serve `verify`, dual write and the legacy read path (the migration
scripts keep the copy they shipped with, `migrations.frozen`).
"""

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bson import Decimal128, ObjectId
from bson.code import Code

from documents.legacy.fields import ALL_PROFILE_FIELDS, EMPTY_IS_NULL, LIST_FIELDS, PROFILE_FIELDS
from documents.vocabulary import PROFILE_TYPES, REPRESENTATION_STATUSES, ProfileType

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


def _headshots(raw: list[Any]) -> tuple[list[Any], list[Issue]]:
    issues = [
        Issue("headshots", "headshot-not-an-object", h, index)
        for index, h in enumerate(raw)
        if not isinstance(h, dict)
    ]
    kept = [dict(h) for h in raw if isinstance(h, dict)]

    def key(index: int) -> tuple[float, int]:
        # finite numbers first, in their order; the rest (NaN, null, strings, bools,
        # missing) after them, in list order
        number = _finite_number(kept[index].get("position"))
        return (float("inf") if number is None else number), index

    for position, index in enumerate(sorted(range(len(kept)), key=key)):
        kept[index]["position"] = position
    return kept, issues


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
    if field == "headshots" and isinstance(raw, list):
        return _headshots(raw)
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
    ObjectIds), each recorded (`value-without-json-form`, at its path; an element of a
    list with its index); MISSING when `value` itself is one."""
    if isinstance(value, dict):
        kept = {}
        for key, item in value.items():
            shaped = _json_shaped(item, f"{path}.{key}", None, issues)
            if shaped is not MISSING:
                kept[key] = shaped
        return kept
    if isinstance(value, list):
        elements = [_json_shaped(item, path, i, issues) for i, item in enumerate(value)]
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


def map_legacy_profile(
    user: dict[str, Any], profile_type: ProfileType
) -> tuple[dict[str, Any], list[Issue]]:
    """The profile fields of `profile_type` mapped from a legacy user document.

    Missing list fields become `[]`; other missing fields stay missing. Fields of the
    other profile type that hold a value are returned as issues (`field-not-for-type`).
    """
    fields: dict[str, Any] = {}
    issues: list[Issue] = []
    for field in PROFILE_FIELDS[profile_type]:
        if field not in user:
            if field in LIST_FIELDS:
                fields[field] = []
            continue
        value, field_issues = map_field(field, user[field])
        issues.extend(field_issues)
        if value is not MISSING:
            value = _json_shaped(value, field, None, issues)
        if value is not MISSING:
            fields[field] = value
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

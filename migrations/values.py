"""Comparing stored values exactly: an int is not a float, key order does not matter."""

from typing import Any

from bson import json_util
from bson.json_util import CANONICAL_JSON_OPTIONS


def canonical(value: Any) -> str:
    """`value` as canonical Extended JSON (keys sorted): equal exactly when the values and
    their BSON types are, however they were decoded (NaN included)."""
    return json_util.dumps(value, json_options=CANONICAL_JSON_OPTIONS, sort_keys=True)


def same_value(left: Any, right: Any) -> bool:
    """True when two BSON-ish values are equal in value and in numeric type; in objects,
    a missing key equals `null`, and key order is ignored."""
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    if isinstance(left, int | float) and isinstance(right, int | float):
        if isinstance(left, float) and isinstance(right, float) and left != left:
            return right != right  # NaN is NaN (as canonical Extended JSON says)
        return type(left) is type(right) and left == right
    if isinstance(left, dict) and isinstance(right, dict):
        keys = set(left) | set(right)
        return all(same_value(left.get(key), right.get(key)) for key in keys)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(same_value, left, right))
    return type(left) is type(right) and bool(left == right)

"""Comparing stored values exactly: an int is not a float, key order does not matter."""

from typing import Any


def same_value(left: Any, right: Any) -> bool:
    """True when two BSON-ish values are equal in value and in numeric type; in objects,
    a missing key equals `null`, and key order is ignored."""
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    if isinstance(left, int | float) and isinstance(right, int | float):
        return type(left) is type(right) and left == right
    if isinstance(left, dict) and isinstance(right, dict):
        keys = set(left) | set(right)
        return all(same_value(left.get(key), right.get(key)) for key in keys)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(same_value, left, right))
    return type(left) is type(right) and bool(left == right)

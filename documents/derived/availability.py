"""A dancer's availability as search sees it: the weeks available ranges touch (filter
tokens), and whether a date range is covered (the exact check after the tokens)."""

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

AVAILABLE = "available"
"""The field of an availability filter token (`available:2026-W49`)."""


def iso_week(day: date) -> str:
    """The ISO week of a day, as `2026-W49`."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def available_ranges(availability: Any) -> list[tuple[date, date]]:
    """The `available` date ranges of a profile's availability, merged where they touch
    or overlap, in order. Unreadable entries are skipped."""
    ranges: list[tuple[date, date]] = []
    for entry in availability if isinstance(availability, list) else ():
        if not isinstance(entry, Mapping) or entry.get("status", "available") != "available":
            continue
        try:
            start, end = date.fromisoformat(entry["start"]), date.fromisoformat(entry["end"])
        except (KeyError, TypeError, ValueError):
            continue
        if start <= end:
            ranges.append((start, end))
    merged: list[tuple[date, date]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def availability_tokens(availability: Any) -> set[str]:
    """`available:<ISO week>` for every week an available range touches."""
    tokens: set[str] = set()
    for start, end in available_ranges(availability):
        day = start
        while day <= end:
            tokens.add(f"{AVAILABLE}:{iso_week(day)}")
            day += timedelta(days=7 - day.weekday())  # the next Monday
    return tokens


def is_available(availability: Any, start: date, end: date) -> bool:
    """True when available ranges cover every day from `start` to `end` and no booked
    range overlaps them (tentative ranges neither help nor block)."""
    covered = any(low <= start and end <= high for low, high in available_ranges(availability))
    if not covered:
        return False
    for entry in availability:
        if isinstance(entry, Mapping) and entry.get("status") == "booked":
            try:
                low, high = date.fromisoformat(entry["start"]), date.fromisoformat(entry["end"])
            except (KeyError, TypeError, ValueError):
                continue
            if low <= end and start <= high:
                return False
    return True

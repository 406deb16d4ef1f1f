"""The search fields every profile write derives: `searchTokens` and `rankKey`.

`searchTokens` holds, in one array (one multikey index; mongod refuses two array fields
in one compound index):
- every word of the display name, company, dance styles and work locations, folded,
  with each of its prefixes from one letter, and the whole word marked `=`;
- typo tokens (`~...`, see `service.typos`) for words of five letters or more;
- filter tokens `field:value` (`style:hip hop`, `location:atlanta ga`,
  `representation:seeking`, `union:true`, `gender:female`, `verified:true`,
  `available:2026-W49` for each week a dancer's available ranges touch).
Words hold only letters and digits, so neither marked words nor filter tokens can be
confused with a typed word.

`rankKey` orders a listing: completeness descending, then a spread of the id (8 hex
digits of a hash), then `_id`, as one string, so a page boundary is a single range on one
indexed field. The spread places the profiles of one completeness evenly over a known key
range whatever their ids (migrated profiles share a few seconds of ObjectId time), so a
reader can take the index a narrow key range at a time (`service.search_tokens_backend`).
"""

import hashlib
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from bson import ObjectId

from service.search_tokens import searchable_text, tokens_for_words, words
from service.typos import typo_tokens

EXACT_MARK = "="
MAX_FILTER_VALUE_LENGTH = 60
FACET_FIELDS = ("style", "location")


def filter_value(text: str) -> str:
    """How a filter value is compared: folded words joined by single spaces
    (`Hip-Hop` and `hip hop` are the same style; `Atlanta, GA` is `atlanta ga`)."""
    return " ".join(words(text))[:MAX_FILTER_VALUE_LENGTH]


def filter_token(field: str, value: str) -> str:
    """The token of one filter value."""
    return f"{field}:{value}"


def _strings(values: Any) -> Iterable[str]:
    if isinstance(values, list):
        return (value for value in values if isinstance(value, str))
    return ()


def filter_tokens(profile_type: str, profile: Mapping[str, Any]) -> set[str]:
    """The filter tokens of a profile (see the module docstring)."""
    tokens: set[str] = set()
    resume = profile.get("resume")
    styles = resume.get("danceStyles") if isinstance(resume, Mapping) else None
    for style in _strings(styles):
        if value := filter_value(style):
            tokens.add(filter_token("style", value))
    for location in _strings(profile.get("workLocation")):
        if value := filter_value(location):
            tokens.add(filter_token("location", value))
    if profile_type == "dancer":
        status = profile.get("representationStatus")
        if isinstance(status, str) and status:
            tokens.add(filter_token("representation", status))
        union_id = profile.get("sagAftraId")
        member = isinstance(union_id, str) and bool(union_id.strip())
        tokens.add(filter_token("union", "true" if member else "false"))
        attributes = profile.get("attributes")
        gender = attributes.get("gender") if isinstance(attributes, Mapping) else None
        if isinstance(gender, str) and (value := filter_value(gender)):
            tokens.add(filter_token("gender", value))
        tokens.update(availability_tokens(profile.get("availability")))
    else:
        verified = profile.get("verified") is True
        tokens.add(filter_token("verified", "true" if verified else "false"))
    return tokens


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
            tokens.add(filter_token("available", iso_week(day)))
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


def search_tokens_of(profile_type: str, profile: Mapping[str, Any]) -> list[str]:
    """The `searchTokens` of a profile given as a mapping of its fields (sorted)."""
    profile_words = [word for text in searchable_text(dict(profile)) for word in words(text)]
    tokens = set(tokens_for_words(profile_words))
    for word in profile_words:
        tokens.update(typo_tokens(word))
    tokens.update(filter_tokens(profile_type, profile))
    return sorted(tokens)


RANK_LEVELS = 101
"""`rankKey` starts with `100 - completeness` as three digits: 000 to 100."""
SPREAD_DIGITS = 8
"""Hex digits of the id's hash after the completeness digits."""


SPREAD_SPAN = 1 << (4 * SPREAD_DIGITS)
KEY_SPACE = RANK_LEVELS * SPREAD_SPAN
"""Positions of `rankKey` prefixes: level * SPREAD_SPAN + spread, from 0 to KEY_SPACE."""


def key_position(key: str) -> int:
    """The position of a `rankKey` (or of a window bound): its level and spread digits
    as one number; a key that does not parse counts from 0."""
    try:
        level = int(key[:3]) if key[:3] else 0
        spread = key[3 : 3 + SPREAD_DIGITS].ljust(SPREAD_DIGITS, "0")
        return min(max(level, 0), RANK_LEVELS) * SPREAD_SPAN + int(spread, 16)
    except ValueError:
        return 0


def key_at(position: int) -> str:
    """The smallest key string at `position`: every `rankKey` whose position is lower
    sorts before it, every other after or equal."""
    level, spread = divmod(position, SPREAD_SPAN)
    return f"{level:03d}{spread:0{SPREAD_DIGITS}x}"


def id_spread(profile_id: ObjectId) -> str:
    """Eight hex digits derived from the id, evenly distributed whatever the ids."""
    return hashlib.blake2b(profile_id.binary, digest_size=SPREAD_DIGITS // 2).hexdigest()


def rank_key(completeness: int, profile_id: ObjectId) -> str:
    """`rankKey`: ascending order is completeness descending, then the id's spread, then
    the id (unique)."""
    bounded = min(max(int(completeness), 0), 100)
    return f"{100 - bounded:03d}{id_spread(profile_id)}{profile_id}"


def search_fields(
    profile_type: str, profile: Mapping[str, Any], completeness: int, profile_id: ObjectId
) -> dict[str, Any]:
    """`searchTokens` and `rankKey` of a profile with these fields."""
    return {
        "searchTokens": search_tokens_of(profile_type, profile),
        "rankKey": rank_key(completeness, profile_id),
    }


def stored_words(tokens: Iterable[str]) -> list[str]:
    """The whole words a profile's `searchTokens` hold."""
    return [token[1:] for token in tokens if token.startswith(EXACT_MARK)]

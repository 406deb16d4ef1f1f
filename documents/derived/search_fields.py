"""The search fields every profile write derives: `searchTokens` and `rankKey`.

`searchTokens` holds, in one array (one multikey index; mongod refuses two array fields
in one compound index):
- every word of the display name, company, dance styles and work locations, folded,
  with each of its prefixes from one letter, and the whole word marked `=`;
- typo tokens (`~...`, see `documents.derived.typos`) for words of five letters or more;
- filter tokens `field:value` (`style:hip hop`, `location:atlanta ga`,
  `representation:seeking`, `union:true`, `gender:female`, `verified:true`,
  `available:2026-W49` for each week a dancer's available ranges touch).
Words hold only letters and digits, so neither marked words nor filter tokens can be
confused with a typed word.

`rankKey` orders a listing: completeness descending, then a spread of the id (8 hex
digits of a hash), then `_id`, as one string, so a page boundary is a single range on one
indexed field. The spread places the profiles of one completeness evenly over a known key
range whatever their ids (migrated profiles share a few seconds of ObjectId time), so a
reader can take the index a narrow key range at a time (`service.search.tokens.backend`).
"""

from collections.abc import Iterable, Mapping
from typing import Any

from bson import ObjectId

from documents.derived.availability import availability_tokens
from documents.derived.rank_key import rank_key
from documents.derived.typos import typo_tokens
from documents.derived.words import searchable_text, tokens_for_words, words

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


def search_tokens_of(profile_type: str, profile: Mapping[str, Any]) -> list[str]:
    """The `searchTokens` of a profile given as a mapping of its fields (sorted)."""
    profile_words = [word for text in searchable_text(dict(profile)) for word in words(text)]
    tokens = set(tokens_for_words(profile_words))
    for word in profile_words:
        tokens.update(typo_tokens(word))
    tokens.update(filter_tokens(profile_type, profile))
    return sorted(tokens)


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

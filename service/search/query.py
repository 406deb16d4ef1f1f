"""A discovery search as the service understands it: the words of `q`, the filters, and
how both become token clauses (see `documents.derived.search_fields`).

A clause is a tuple of tokens of which a profile must hold at least one; a profile
matches when it satisfies every clause. Filters with several values (`style=jazz&
style=tap`) are one clause (any of them); different filters are separate clauses (all
of them). A filter on something a kind of profile does not have (`verified` for
dancers) leaves that kind out.
"""

from dataclasses import dataclass, field
from datetime import date

from documents.derived.availability import iso_week
from documents.derived.search_fields import EXACT_MARK, filter_token, filter_value
from documents.derived.typos import MIN_TYPO_LENGTH, typo_candidates
from documents.derived.words import MAX_WORD_LENGTH, words
from documents.vocabulary import ProfileType
from service.platform.errors import InvalidInput

Clause = tuple[str, ...]
MAX_QUERY_WORDS = 8
MAX_FILTER_VALUES = 20
MAX_FILTER_VALUE_LENGTH = 100
MAX_AVAILABILITY_DAYS = 366


@dataclass(frozen=True)
class SearchFilters:
    """What a casting search narrows by; empty means no narrowing."""

    styles: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()
    representation: tuple[str, ...] = ()
    genders: tuple[str, ...] = ()
    union_member: bool | None = None
    verified: bool | None = None
    available: tuple[date, date] | None = None
    """Dancers available on every day of this range (see `is_available`)."""


@dataclass(frozen=True)
class SearchQuery:
    """One search request: kinds, `q`, filters, page size, cursor, facets wanted."""

    kinds: tuple[ProfileType, ...]
    text: str = ""
    filters: SearchFilters = field(default_factory=SearchFilters)
    limit: int = 20
    cursor: str | None = None
    facets: bool = False

    @property
    def words(self) -> list[str]:
        """The distinct folded words of `q` in their order, each at most as long as a
        stored word (a word said twice asks for nothing more)."""
        return list(dict.fromkeys(word[:MAX_WORD_LENGTH] for word in words(self.text)))

    def identity(self) -> str:
        """What a cursor is bound to: the same search, whatever the page."""
        f = self.filters
        parts = [
            ",".join(self.kinds),
            " ".join(self.words),
            ",".join(sorted(filter_value(s) for s in f.styles)),
            ",".join(sorted(filter_value(s) for s in f.locations)),
            ",".join(sorted(f.representation)),
            ",".join(sorted(filter_value(g) for g in f.genders)),
            str(f.union_member),
            str(f.verified),
            "" if f.available is None else f"{f.available[0]}/{f.available[1]}",
        ]
        return "|".join(parts)


def availability_range(start: date | None, end: date | None) -> tuple[date, date] | None:
    """The availability filter from its two query parameters: both or neither."""
    if start is None and end is None:
        return None
    if start is None or end is None:
        missing = "availableFrom" if start is None else "availableTo"
        raise InvalidInput(
            "availability needs both `availableFrom` and `availableTo`",
            extra={"errors": [{"field": missing, "message": "is required with the other"}]},
        )
    return start, end


def check_query(query: SearchQuery) -> None:
    """`InvalidInput` for a search the service will not run."""
    errors = []
    if len(query.words) > MAX_QUERY_WORDS:
        errors.append({"field": "q", "message": f"at most {MAX_QUERY_WORDS} words"})
    f = query.filters
    for name, values in (
        ("style", f.styles),
        ("location", f.locations),
        ("representationStatus", f.representation),
        ("gender", f.genders),
    ):
        if len(values) > MAX_FILTER_VALUES:
            errors.append({"field": name, "message": f"at most {MAX_FILTER_VALUES} values"})
        elif any(len(value) > MAX_FILTER_VALUE_LENGTH for value in values):
            errors.append(
                {"field": name, "message": f"at most {MAX_FILTER_VALUE_LENGTH} characters"}
            )
        elif any(not _has_letter_or_digit(value) for value in values):
            errors.append({"field": name, "message": "needs a letter or digit"})
    if f.available is not None:
        start, end = f.available
        if end < start:
            errors.append({"field": "availableTo", "message": "comes before `availableFrom`"})
        elif (end - start).days + 1 > MAX_AVAILABILITY_DAYS:
            errors.append(
                {"field": "availableTo", "message": f"at most {MAX_AVAILABILITY_DAYS} days"}
            )
    if errors:
        raise InvalidInput(
            "this search cannot run: " + ", ".join(e["field"] for e in errors),
            extra={"errors": errors},
        )


def _has_letter_or_digit(value: str) -> bool:
    """A filter value names something: it has a letter or digit as typed, and one that
    survives folding."""
    return any(ch.isalnum() for ch in value) and bool(filter_value(value))


def _values_clause(field_name: str, values: tuple[str, ...]) -> Clause:
    return tuple(sorted({filter_token(field_name, filter_value(v)) for v in values}))


def filter_clauses(profile_type: ProfileType, filters: SearchFilters) -> list[Clause] | None:
    """The clauses of `filters` for one kind, or None when the kind cannot match."""
    clauses: list[Clause] = []
    if filters.styles:
        clauses.append(_values_clause("style", filters.styles))
    if filters.locations:
        clauses.append(_values_clause("location", filters.locations))
    dancer_only = filters.representation or filters.genders or filters.union_member is not None
    if profile_type == "dancer":
        if filters.verified is not None:
            return None
        if filters.representation:
            clauses.append(
                tuple(
                    sorted(filter_token("representation", v) for v in set(filters.representation))
                )
            )
        if filters.genders:
            clauses.append(_values_clause("gender", filters.genders))
        if filters.union_member is not None:
            clauses.append((filter_token("union", str(filters.union_member).lower()),))
        if filters.available is not None:
            clauses.append((filter_token("available", iso_week(filters.available[0])),))
    else:
        if dancer_only:
            return None
        if filters.verified is not None:
            clauses.append((filter_token("verified", str(filters.verified).lower()),))
    return clauses


def word_clauses(query_words: list[str], *, exact: bool) -> list[Clause]:
    """One clause per word: the word as a prefix, or (`exact`) as a whole word."""
    return [((EXACT_MARK if exact else "") + word,) for word in query_words]


def typo_words(query_words: list[str]) -> list[str]:
    """The words a typo pass may forgive: five letters or more."""
    return [word for word in query_words if len(word) >= MIN_TYPO_LENGTH]


def typo_clauses(query_words: list[str]) -> list[Clause]:
    """Clauses of the typo pass: candidates for long words, prefixes for short ones."""
    return [
        typo_candidates(word) if len(word) >= MIN_TYPO_LENGTH else (word,) for word in query_words
    ]

"""The rank levels of a search, best first, and what a profile must satisfy in each.

With words, level `t` holds the profiles in which exactly `n - t` of the `n` words match
a whole word (the others a word's start), so whole-word matches rank before prefix
matches; within a level the order is `rankKey` (completeness, then id). Without words
there is one level. The typo pass is one level of its own: each word of five letters or
more may differ by one edit (`documents.derived.typos`).
"""

from collections.abc import Callable
from dataclasses import dataclass

from documents.derived.availability import is_available
from documents.derived.search_fields import EXACT_MARK, stored_words
from documents.derived.typos import within_one_edit
from documents.vocabulary import ProfileType
from service.platform.db import MongoDocument
from service.search.query import (
    Clause,
    SearchQuery,
    filter_clauses,
    typo_clauses,
    typo_words,
    word_clauses,
)
from service.search.tokens.shape import ExactCount

Predicate = Callable[[set[str], MongoDocument], bool]


@dataclass(frozen=True)
class Level:
    """One rank level of a pass, per kind: the clauses a profile of that kind must
    satisfy (None: the kind cannot match), what of the level's rule the database checks
    (`exact`), and the whole rule, checked on what it returns (`rule`). The levels of a
    pass list their clauses in the same order: clause `i` of one level is clause `i` of
    another, or its whole-word form."""

    clauses: dict[ProfileType, list[Clause] | None]
    rule: Predicate
    exact: ExactCount | None = None


def _always(_: set[str], __: MongoDocument) -> bool:
    return True


def _with_filters(query: SearchQuery, rule: Predicate) -> Predicate:
    """`rule`, and what the filters need beyond tokens (availability on every day)."""
    available = query.filters.available
    if available is None:
        return rule
    start, end = available

    def checked(tokens: set[str], document: MongoDocument) -> bool:
        return is_available(document.get("availability"), start, end) and rule(tokens, document)

    return checked


def _exact_count(query_words: list[str]) -> Callable[[set[str]], int]:
    marked = [EXACT_MARK + word for word in query_words]
    return lambda tokens: sum(token in tokens for token in marked)


def whole_words(query_words: list[str]) -> Callable[[MongoDocument], int]:
    """How many of the words a stored profile holds as whole words (its strict level is
    the number of words less this)."""
    count = _exact_count(query_words)
    return lambda document: count(set(document.get("searchTokens") or ()))


def strict_levels(query: SearchQuery) -> list[Level]:
    """The levels of the first pass: by how many words match whole, then `rankKey`. The
    first level's clauses are whole words (its rule needs nothing more); the others are
    word starts, with the number of whole words pushed into the query."""
    query_words = query.words
    filters = {kind: filter_clauses(kind, query.filters) for kind in query.kinds}
    if not query_words:
        return [Level(filters, _with_filters(query, _always))]
    exact_count = _exact_count(query_words)
    marked = tuple(EXACT_MARK + word for word in query_words)
    levels = []
    for exact in range(len(query_words), -1, -1):
        whole = exact == len(query_words)
        words_clauses = word_clauses(query_words, exact=whole)
        clauses = {
            kind: None if found is None else [*found, *words_clauses]
            for kind, found in filters.items()
        }

        def rule(tokens: set[str], _: MongoDocument, exact: int = exact) -> bool:
            return exact_count(tokens) == exact

        pushed = None if whole else ExactCount(marked, exact)
        levels.append(Level(clauses, _with_filters(query, rule), pushed))
    return levels


def typo_level(query: SearchQuery) -> Level:
    """The level of the typo pass: each word of five letters or more may differ by one
    edit from a word (or a word's start) of the profile."""
    query_words = query.words
    forgiving = typo_words(query_words)
    filters = {kind: filter_clauses(kind, query.filters) for kind in query.kinds}
    clauses = {
        kind: None if found is None else [*found, *typo_clauses(query_words)]
        for kind, found in filters.items()
    }

    def rule(tokens: set[str], _: MongoDocument) -> bool:
        profile_words = stored_words(tokens)
        return all(within_one_edit(word, profile_words) for word in forgiving)

    return Level(clauses, _with_filters(query, rule))


def broadest_level(query: SearchQuery, typo: bool) -> Level:
    """Every match of the pass, in one level (what facets count)."""
    if typo:
        return typo_level(query)
    filters = {kind: filter_clauses(kind, query.filters) for kind in query.kinds}
    words_clauses = word_clauses(query.words, exact=False)
    clauses = {
        kind: None if found is None else [*found, *words_clauses] for kind, found in filters.items()
    }
    return Level(clauses, _with_filters(query, _always))

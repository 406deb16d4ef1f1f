"""The interface every search backend implements, and what a search returns."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from documents.vocabulary import ProfileType
from service.platform.db import MongoDocument
from service.search.query import SearchQuery

Position = dict[str, Any]


@dataclass(frozen=True)
class ExecutedQuery:
    """A query a search sent to the database (kept so its plan can be explained)."""

    collection: str
    filter: MongoDocument
    sort: MongoDocument | None
    limit: int
    command: str = "find"
    hint: str | None = None


READ_BUDGET = 500
"""Documents one search request may fetch from the database, across rank levels, kinds
of profile, the typo pass and facets. When they are spent the page ends with what it
found and a cursor that goes on from there (facets say `complete: false`)."""


@dataclass
class SearchStats:
    """What one search cost (the queries it ran, the documents it read) and what it may
    still read: every read asks for at most `allowance(wanted)` documents."""

    queries: list[ExecutedQuery] = field(default_factory=list)
    documents_read: int = 0
    budget: int = READ_BUDGET

    @property
    def remaining(self) -> int:
        """Documents this request may still fetch."""
        return max(self.budget - self.documents_read, 0)

    @property
    def spent(self) -> bool:
        """True once the request has fetched its budget."""
        return self.remaining == 0

    def allowance(self, wanted: int) -> int:
        """How many of `wanted` documents the next read may fetch (0: none)."""
        return min(wanted, self.remaining)

    @contextmanager
    def capped(self, documents: int) -> Iterator[None]:
        """Within the block, reads may fetch at most `documents` more (fewer if the
        budget has fewer left); afterwards the budget is the request's again."""
        budget = self.budget
        self.budget = min(budget, self.documents_read + documents)
        try:
            yield
        finally:
            self.budget = budget


@dataclass(frozen=True)
class Hit:
    """One result: the stored profile document and its kind."""

    profile_type: ProfileType
    document: MongoDocument


@dataclass(frozen=True)
class FacetCount:
    """How many of the counted results have this value."""

    value: str
    count: int


@dataclass(frozen=True)
class Facets:
    """Counts of styles and locations over the first `counted` results (all of them
    when `complete`)."""

    styles: list[FacetCount]
    locations: list[FacetCount]
    counted: int
    complete: bool


@dataclass(frozen=True)
class BackendPage:
    """A page of hits, where the next page starts (None: no more), whether the typo
    pass produced it, and facets when asked."""

    hits: list[Hit]
    next_position: Position | None
    typo_tolerant: bool = False
    facets: Facets | None = None


@runtime_checkable
class SearchBackend(Protocol):
    """Finds listed profiles for a query, a page at a time, in a total order so that
    following the positions yields every match once."""

    name: str

    async def search(
        self, query: SearchQuery, position: Position | None, stats: SearchStats
    ) -> BackendPage:
        """The page of `query` that starts at `position` (None: the first page)."""
        ...

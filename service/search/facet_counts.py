"""Facets of a search, whatever its backend: how many of its first matches have each
dance style and location (their filter tokens, `style:` and `location:`)."""

from collections import Counter
from collections.abc import Sequence

from documents.derived.search_fields import FACET_FIELDS
from service.platform.db import MongoDocument
from service.search.backend import FacetCount, Facets

FACET_LIMIT = 1000
"""Facets count at most this many matches (and no more than the request's read budget
has left), so a broad query stays cheap."""
FACET_VALUES = 10
"""The most frequent values listed per facet."""
FACET_CHUNK = 128
"""The first read of a facet count: more than a page, well under the limit."""


def facets_of(matches: Sequence[MongoDocument], complete: bool) -> Facets:
    """The style and location counts of `matches` (all of the search's, when
    `complete`), the most frequent first, then by value."""
    counts: dict[str, Counter[str]] = {name: Counter() for name in FACET_FIELDS}
    for document in matches:
        for token in document.get("searchTokens") or ():
            name, sep, value = token.partition(":")
            if sep and name in counts:
                counts[name][value] += 1

    def top(name: str) -> list[FacetCount]:
        ordered = sorted(counts[name].items(), key=lambda item: (-item[1], item[0]))
        return [FacetCount(value, count) for value, count in ordered[:FACET_VALUES]]

    return Facets(top("style"), top("location"), len(matches), complete)

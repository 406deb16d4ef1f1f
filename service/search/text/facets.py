"""Facets of a `text` search: style and location counts over its first matches."""

from collections import Counter
from collections.abc import Callable

from documents.derived.search_fields import FACET_FIELDS
from service.search.backend import FacetCount, Facets
from service.search.text.pager import MergedRead, Scored, collect
from service.search.tokens.facets import FACET_LIMIT, FACET_VALUES

FACET_CHUNK = 128


async def count_facets(read: MergedRead, accept: Callable[[Scored], bool]) -> Facets:
    """Counts of the filter tokens (`style:`, `location:`) of the first `FACET_LIMIT`
    matches `read` yields within its budget; `complete` only when that was all of them."""
    matches, complete = await collect(read, FACET_LIMIT, accept)
    counts: dict[str, Counter[str]] = {name: Counter() for name in FACET_FIELDS}
    for match in matches:
        for token in match.document.get("searchTokens") or ():
            name, sep, value = token.partition(":")
            if sep and name in counts:
                counts[name][value] += 1

    def top(name: str) -> list[FacetCount]:
        ordered = sorted(counts[name].items(), key=lambda item: (-item[1], item[0]))
        return [FacetCount(value, count) for value, count in ordered[:FACET_VALUES]]

    return Facets(top("style"), top("location"), len(matches), complete)

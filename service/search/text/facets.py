"""Facets of a `text` search: style and location counts over its first matches."""

from collections.abc import Callable

from service.search.backend import Facets
from service.search.facet_counts import FACET_LIMIT, facets_of
from service.search.text.pager import MergedRead, Scored, collect


async def count_facets(read: MergedRead, accept: Callable[[Scored], bool]) -> Facets:
    """Counts of the filter tokens (`style:`, `location:`) of the first `FACET_LIMIT`
    matches `read` yields within its budget; `complete` only when that was all of them."""
    matches, complete = await collect(read, FACET_LIMIT, accept)
    return facets_of([match.document for match in matches], complete)

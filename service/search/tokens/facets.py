"""Facets of a `tokens` search: the first matches of the pass's broadest level, within
the request's read budget (`service.search.facet_counts`)."""

from service.platform.db import MongoDocument
from service.search.backend import Facets, SearchStats
from service.search.facet_counts import FACET_CHUNK, FACET_LIMIT, facets_of
from service.search.tokens.levels import Level
from service.search.tokens.reader import PostingsReader
from service.search.tokens.walk import Anchors, Walk


async def count_facets(
    reader: PostingsReader, level: Level, anchors: Anchors, stats: SearchStats
) -> Facets:
    """Style and location counts over the first matches of `level`: `FACET_LIMIT` of them
    at most, fewer when the read budget runs out (then `complete` is False)."""
    walk = Walk(reader, level, anchors, "", stats, FACET_CHUNK)
    matches: list[MongoDocument] = []
    while len(matches) < FACET_LIMIT:
        hit = await walk.next()
        if hit is None:
            return facets_of(matches, complete=not walk.starved)
        matches.append(hit.document)
    return facets_of(matches, complete=False)

"""Facets of a search: how many of its first results have each dance style and location."""

from collections import Counter

from documents.derived.search_fields import FACET_FIELDS
from service.search.backend import FacetCount, Facets, SearchStats
from service.search.tokens.levels import Level
from service.search.tokens.reader import PostingsReader
from service.search.tokens.walk import Anchors, Walk

FACET_LIMIT = 1000
"""Facets count at most this many results (and no more than the request's read budget
has left), so a broad query stays cheap."""
FACET_VALUES = 10
FACET_CHUNK = 128


async def count_facets(
    reader: PostingsReader, level: Level, anchors: Anchors, stats: SearchStats
) -> Facets:
    """Style and location counts over the first matches of `level`: `FACET_LIMIT` of them
    at most, fewer when the read budget runs out (then `complete` is False)."""
    counts: dict[str, Counter[str]] = {name: Counter() for name in FACET_FIELDS}
    counted = 0
    walk = Walk(reader, level, anchors, "", stats, FACET_CHUNK)
    complete = True
    while True:
        if counted >= FACET_LIMIT:
            complete = False
            break
        hit = await walk.next()
        if hit is None:
            complete = not walk.starved
            break
        counted += 1
        for token in hit.document.get("searchTokens") or ():
            name, sep, value = token.partition(":")
            if sep and name in counts:
                counts[name][value] += 1

    def top(name: str) -> list[FacetCount]:
        ordered = sorted(counts[name].items(), key=lambda item: (-item[1], item[0]))
        return [FacetCount(value, count) for value, count in ordered[:FACET_VALUES]]

    return Facets(top("style"), top("location"), counted, complete)

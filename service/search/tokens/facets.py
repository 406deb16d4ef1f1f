"""Facets of a search: how many of its first results have each dance style and location."""

from collections import Counter

from documents.derived.search_fields import FACET_FIELDS
from service.search.backend import FacetCount, Facets, SearchStats
from service.search.tokens.levels import Level
from service.search.tokens.reader import PostingsReader
from service.search.tokens.walk import MAX_READ_PER_PAGE, Walk

FACET_LIMIT = 1000
"""Facets count at most this many results, so a broad query stays cheap."""
FACET_VALUES = 10
FACET_CHUNK = 128


async def count_facets(reader: PostingsReader, level: Level, stats: SearchStats) -> Facets:
    """Style and location counts over the first `FACET_LIMIT` matches of `level`."""
    counts: dict[str, Counter[str]] = {name: Counter() for name in FACET_FIELDS}
    counted = 0
    complete = True
    for profile_type, clauses in level.clauses.items():
        if clauses is None:
            continue
        walk = Walk(reader, profile_type, clauses, level.rule, "", stats, FACET_CHUNK)
        while True:
            if counted >= FACET_LIMIT:
                complete = False
                break
            document = await walk.next()
            if document is None:
                complete = complete and walk.read < MAX_READ_PER_PAGE
                break
            counted += 1
            for token in document.get("searchTokens") or ():
                name, sep, value = token.partition(":")
                if sep and name in counts:
                    counts[name][value] += 1

    def top(name: str) -> list[FacetCount]:
        ordered = sorted(counts[name].items(), key=lambda item: (-item[1], item[0]))
        return [FacetCount(value, count) for value, count in ordered[:FACET_VALUES]]

    return Facets(top("style"), top("location"), counted, complete)

"""The `tokens` search backend: every query an equality on `searchTokens` and a range on
`rankKey`, served by the index `(listed, searchTokens, rankKey)`.

A search is a list of levels, best first. With words, level `t` holds the profiles in
which exactly `n - t` of the `n` words match a whole word (the others a word's start),
so whole-word matches rank before prefix matches; within a level the order is
`rankKey` (completeness, then id). Without words there is one level.

Each level (`levels`) is read per kind of profile by walking one anchor clause (the most
selective by its tokens; a clause of several tokens is a merge of one stream per token)
in `rankKey` order, a chunk at a time, and keeping the documents that satisfy the other
clauses and the level's rule (`walk`). Every database query has the shape
`{listed: true, searchTokens: <token>, rankKey: {$gt: <key>}}` sorted by `rankKey` with
a limit (or without `searchTokens` when nothing narrows the search), which mongod answers
from the index in order, reading about as many entries as it returns (`reader`); on a
server that sorts in memory, a `rankKey` window bounds each read (`windowed`).

When the words find nothing, a second pass forgives one typo in each word of five
letters or more (`documents.derived.typos`); its page says `typoTolerant`.
"""

from typing import Any

from service.search.backend import BackendPage, Hit, Position, SearchStats
from service.search.query import SearchQuery, typo_words
from service.search.tokens.facets import count_facets
from service.search.tokens.levels import broadest_level, strict_levels, typo_level
from service.search.tokens.reader import InOrderReader, PostingsReader
from service.search.tokens.walk import read_level
from service.search.tokens.windowed import WindowedReader


class TokensBackend:
    """Search on the derived `searchTokens` (the default backend), its postings read by
    `reader`."""

    name = "tokens"

    def __init__(self, reader: PostingsReader) -> None:
        self.reader = reader

    @classmethod
    def for_server(cls, *, sorts_in_memory: bool) -> "TokensBackend":
        """The backend for a server: postings read from the index in order, unless the
        server sorts every match in memory (the embedded one), which takes the index a
        `rankKey` window at a time. The one switch between the two."""
        return cls(WindowedReader() if sorts_in_memory else InOrderReader())

    async def search(
        self, query: SearchQuery, position: Position | None, stats: SearchStats
    ) -> BackendPage:
        typo = position is not None and position.get("m") == "typo"
        page = await self._page(query, position, typo, stats)
        if not page.hits and position is None and typo_words(query.words):
            forgiving = await self._page(query, None, True, stats)
            if forgiving.hits:
                page, typo = forgiving, True
        if query.facets:
            facets = await count_facets(self.reader, broadest_level(query, typo), stats)
            page = BackendPage(page.hits, page.next_position, page.typo_tolerant, facets)
        return page

    async def _page(
        self, query: SearchQuery, position: Position | None, typo: bool, stats: SearchStats
    ) -> BackendPage:
        levels = [typo_level(query)] if typo else strict_levels(query)
        start = int(position.get("l", 0)) if position else 0
        after = str(position.get("k", "")) if position else ""
        mode = "typo" if typo else "strict"
        found: list[tuple[int, str, Hit]] = []
        wanted = query.limit + 1
        for index in range(max(start, 0), len(levels)):
            result = await read_level(
                self.reader,
                levels[index],
                after if index == start else "",
                wanted - len(found),
                stats,
            )
            found.extend((index, key, hit) for key, hit in result.hits)
            if result.stopped_at is not None and len(found) < wanted:
                # read enough for one request: the next page resumes from there
                last = found[query.limit - 1] if len(found) > query.limit else None
                resume = (
                    {"m": mode, "l": last[0], "k": last[1]}
                    if last
                    else {"m": mode, "l": index, "k": result.stopped_at}
                )
                return BackendPage([hit for _, _, hit in found[: query.limit]], resume, typo)
            if len(found) >= wanted:
                break
        hits = [hit for _, _, hit in found[: query.limit]]
        next_position: dict[str, Any] | None = None
        if len(found) > query.limit:
            level, key, _ = found[query.limit - 1]
            next_position = {"m": mode, "l": level, "k": key}
        return BackendPage(hits, next_position, typo)

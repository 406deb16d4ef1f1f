"""The `tokens` search backend: every query a range on `rankKey` within the postings of
one anchor clause, served by the index `(listed, searchTokens, rankKey)` in order.

A search is a list of levels, best first. With words, level `t` holds the profiles in
which exactly `n - t` of the `n` distinct words match a whole word (the others a word's
start), so whole-word matches rank before prefix matches; within a level the order is
`rankKey` (completeness, then id). Without words there is one level.

A level is one query per kind of profile (`shape`): the anchor clause, the one fewest
profiles hold as measured (`selectivity`), as an equality or one `$in` on
`searchTokens`; the other clauses and the level's count of whole words as `$expr`; a
`rankKey` range, sorted, limited, hinted. mongod answers it from the index in order,
and returns only the level's profiles (`reader`); on a server that sorts in memory a
`rankKey` window bounds each read (`windowed`). The kinds are merged in `rankKey` order
(`walk`).

Every read spends the request's budget (`SearchStats`): when it is spent the page ends
with what it found and a cursor from where the walk stopped.

When the words find nothing, and the first pass read everything it could have matched,
a second pass forgives one typo in each word of five letters or more
(`documents.derived.typos`); its page says `typoTolerant`.
"""

from dataclasses import dataclass
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from service.platform.cache import TimedCache
from service.platform.db import MongoDocument
from service.profiles.kinds import kind_of
from service.search.backend import BackendPage, Hit, Position, SearchStats
from service.search.cursor import invalid_cursor
from service.search.query import SearchQuery, typo_words
from service.search.tokens.facets import count_facets
from service.search.tokens.levels import (
    Level,
    broadest_level,
    strict_levels,
    typo_level,
    whole_words,
)
from service.search.tokens.reader import InOrderReader, PostingsReader
from service.search.tokens.selectivity import choose_anchor
from service.search.tokens.walk import Anchors, read_level
from service.search.tokens.windowed import WindowedReader


def _position(position: Position | None) -> tuple[str, int, str]:
    """The pass, level and key of a position this backend issued (signed, so a bad one
    is a bug or another version's: read defensively all the same)."""
    if position is None:
        return "strict", 0, ""
    mode, level, key = position.get("m"), position.get("l", 0), position.get("k", "")
    if mode not in ("strict", "typo") or not isinstance(level, int) or not isinstance(key, str):
        raise invalid_cursor()
    return mode, max(level, 0), key


@dataclass(frozen=True)
class PassAnchors:
    """Per kind, the position of the clause the levels of a pass walk, and whether each
    kind's anchor is held by fewer profiles than the page wants (`few`): then one read of
    the broadest level holds every match of the pass."""

    positions: Anchors
    few: bool


async def pass_anchors(
    broadest: Level, stats: SearchStats, *, hint: bool, wanted: int, measure: bool
) -> PassAnchors:
    """The anchors of a pass: per kind the clause fewest profiles hold, among the
    broadest level's clauses (a whole word is held by no more than its start)."""
    positions: Anchors = {}
    few = True
    for profile_type, clauses in broadest.clauses.items():
        if clauses is None:
            continue
        if not clauses:
            few = False
            continue
        collection: AsyncCollection[MongoDocument] = kind_of(
            profile_type
        ).document.get_pymongo_collection()
        chosen, size = await choose_anchor(collection, clauses, stats, hint=hint, measure=measure)
        positions[profile_type] = clauses.index(chosen)
        few = few and size is not None and size < wanted
    return PassAnchors(positions, few)


class TokensBackend:
    """Search on the derived `searchTokens` (the default backend), its level queries read
    by `reader`."""

    name = "tokens"

    def __init__(self, reader: PostingsReader) -> None:
        self.reader = reader

    @classmethod
    def for_server(cls, *, sorts_in_memory: bool) -> "TokensBackend":
        """The backend for a server: level queries read from the index in order, unless
        the server sorts every match in memory (the embedded one), which takes the index a
        `rankKey` window at a time. The one switch between the two."""
        return cls(WindowedReader() if sorts_in_memory else InOrderReader())

    async def search(
        self, query: SearchQuery, position: Position | None, stats: SearchStats
    ) -> BackendPage:
        mode, level, key = _position(position)
        typo = mode == "typo"
        page = await self._page(query, level, key, typo, stats)
        if (
            not page.hits
            and page.next_position is None
            and position is None
            and typo_words(query.words)
        ):  # the strict pass found nothing, and read all of it: forgive a typo
            forgiving = await self._page(query, 0, "", True, stats)
            if forgiving.hits or forgiving.next_position is not None:
                page, typo = forgiving, True
        if query.facets:
            broadest = broadest_level(query, typo)
            anchors = await pass_anchors(
                broadest, stats, hint=self.reader.hints, wanted=0, measure=False
            )
            facets = await count_facets(self.reader, broadest, anchors.positions, stats)
            page = BackendPage(page.hits, page.next_position, page.typo_tolerant, facets)
        return page

    async def _page(
        self, query: SearchQuery, start: int, after: str, typo: bool, stats: SearchStats
    ) -> BackendPage:
        levels = [typo_level(query)] if typo else strict_levels(query)
        wanted = query.limit + 1
        pass_ = await pass_anchors(
            levels[-1], stats, hint=self.reader.hints, wanted=wanted, measure=len(levels) > 1
        )
        anchors = pass_.positions
        mode = "typo" if typo else "strict"
        if len(levels) > 1 and (pass_.few or remembered_few(query, wanted)):
            whole = await self._whole_pass(query, anchors, start, after, stats)
            if whole is not None:
                return whole
        found: list[tuple[int, str, Hit]] = []
        for index in range(start, len(levels)):
            result = await read_level(
                self.reader,
                levels[index],
                anchors,
                after if index == start else "",
                wanted - len(found),
                stats,
            )
            found.extend((index, key, hit) for key, hit in result.hits)
            if result.stopped_at is not None and len(found) < wanted:
                # the read budget is spent: the next page goes on from here
                last = found[query.limit - 1] if len(found) > query.limit else None
                resume = (
                    {"m": mode, "l": last[0], "k": last[1]}
                    if last
                    else {"m": mode, "l": index, "k": result.stopped_at}
                )
                return BackendPage([hit for _, _, hit in found[: query.limit]], resume, typo)
            if len(found) >= wanted:
                break
        if not typo and start == 0 and not after and len(found) < wanted:
            remember_matches(query, len(found))  # the whole strict pass, read
        return _page_of(found, query.limit, mode, typo)

    async def _whole_pass(
        self,
        query: SearchQuery,
        anchors: Anchors,
        start: int,
        after: str,
        stats: SearchStats,
    ) -> BackendPage | None:
        """The page of a strict pass in one read of its broadest level per kind, sorted
        into levels (by how many words match whole), when that read holds every match:
        the anchors are held by few profiles, or the same search found few a moment ago
        (words that rarely meet, a word and a filter). None when it does not (a
        remembered size or count gone stale): then the levels are read one by one; this
        read may have spent half the budget, no more, so they still make progress."""
        wanted = query.limit + 1
        with stats.capped(stats.remaining // 2):  # half of what is left, no more
            result = await read_level(
                self.reader, broadest_level(query, False), anchors, "", wanted, stats
            )
        if result.stopped_at is not None or len(result.hits) >= wanted:
            return None
        remember_matches(query, len(result.hits))
        whole = whole_words(query.words)
        found = sorted(
            (len(query.words) - whole(hit.document), key, hit) for key, hit in result.hits
        )
        found = [item for item in found if (item[0], item[1]) > (start, after)]
        return _page_of(found, query.limit, "strict", False)


MATCHES_SECONDS = 300.0
_matches: TimedCache[str, int] = TimedCache(MATCHES_SECONDS, 10_000)


def remember_matches(query: SearchQuery, count: int) -> None:
    """Record how many profiles a whole strict pass of this search matched."""
    _matches.put(query.identity(), count)


def remembered_few(query: SearchQuery, wanted: int) -> bool:
    """Whether the same search, read whole a moment ago, matched fewer than `wanted`
    (then one read of the broadest level answers it; a stale count costs one read)."""
    count = _matches.get(query.identity())
    return count is not None and count < wanted


def _page_of(found: list[tuple[int, str, Hit]], limit: int, mode: str, typo: bool) -> BackendPage:
    """A page of the first `limit` of `found` (level, key, hit), and where the next
    page starts when there is more."""
    hits = [hit for _, _, hit in found[:limit]]
    next_position: dict[str, Any] | None = None
    if len(found) > limit:
        level, key, _ = found[limit - 1]
        next_position = {"m": mode, "l": level, "k": key}
    return BackendPage(hits, next_position, typo)

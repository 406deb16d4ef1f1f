"""The windowed reader: postings read a `rankKey` window at a time, for a server that
sorts every match of a query in memory (the embedded SecantusDB). mongod reads the index
`(listed, searchTokens, rankKey)` in order and needs none of this
(`service.search.tokens.reader.InOrderReader`); everything here exists because a server
sorts in memory, and is used only where it does.

How many listed profiles each completeness level of a collection holds is estimated from
a sample, and the windows are sized by it.

`rankKey` is `<100 - completeness><spread><id>` (`documents.derived.search_fields`): within a
level the spread is uniform, so the profiles of a key range are the level's count times
the share of the level the range covers. A walk asks for a window expected to hold a
given number of profiles (`window_end`), skipping levels that hold none, so a server
that sorts every match of a query in memory reads about what a page needs. The counts
come from one random sample of the collection (`$sample`, one aggregation), kept a few
minutes; a stale estimate costs speed, never results (windows are contiguous whatever
their size).
"""

import json
import math
from dataclasses import dataclass

from pymongo.asynchronous.collection import AsyncCollection

from documents.derived.rank_key import KEY_SPACE, RANK_LEVELS, SPREAD_SPAN, key_at, key_position
from service.platform.cache import TimedCache
from service.platform.db import MongoDocument
from service.search.backend import ExecutedQuery, SearchStats
from service.search.tokens.reader import (
    FIRST_CHUNK,
    MAX_CHUNK,
    Postings,
    lowest,
    read_postings,
)
from service.search.tokens.shape import LevelQuery, token_query

SAMPLE_SIZE = 2000
"""About how many profiles the per-level sample reads, whatever the collection's size."""
REFRESH_SECONDS = 300.0
FIRST_BUDGET_CAP = 1024
"""A walk's first window never expects more than this many chunks of profiles. With a
remembered density a rare word's walk then takes one window up to some 20,000 profiles
of a kind (64 took one more round trip per 8x the collection); a density gone stale (the
word grew common within the minutes it is remembered) costs one window of at most this
many chunks, sorted in memory."""
WINDOW_GROWTH = 8
"""At most how much wider the next `rankKey` window of a walk is after a short one."""


@dataclass(frozen=True)
class LevelCounts:
    """Estimated listed profiles per level (index: `100 - completeness`)."""

    per_level: tuple[float, ...]

    def mass(self, start: int, end: int) -> float:
        """Estimated profiles with a key position in [start, end)."""
        total = 0.0
        position = max(start, 0)
        while position < min(end, KEY_SPACE):
            level = position // SPREAD_SPAN
            stop = min(end, (level + 1) * SPREAD_SPAN)
            total += self.per_level[level] * (stop - position) / SPREAD_SPAN
            position = stop
        return total

    def window_end(self, start: int, budget: float) -> int | None:
        """The end of a window from `start` expected to hold `budget` profiles (at least
        one key position wide), or None when the rest of the key space holds fewer."""
        remaining = budget
        position = max(start, 0)
        while position < KEY_SPACE:
            level = position // SPREAD_SPAN
            level_end = (level + 1) * SPREAD_SPAN
            count = self.per_level[level]
            mass = count * (level_end - position) / SPREAD_SPAN
            if count > 0 and mass >= remaining:
                return max(start + 1, position + math.ceil(remaining / count * SPREAD_SPAN))
            remaining -= mass
            position = level_end
        return None


_level_counts: TimedCache[tuple[str, str], LevelCounts] = TimedCache(REFRESH_SECONDS)

DENSITY_SECONDS = 300.0
DENSITY_ENTRIES = 10_000
_densities: TimedCache[tuple[str, str, str], float] = TimedCache(DENSITY_SECONDS, DENSITY_ENTRIES)


def remembered_density(collection: AsyncCollection[MongoDocument], query: MongoDocument) -> float:
    """The share of listed profiles matching `query` that an earlier walk saw in this
    process (1.0 when none did: the cautious guess)."""
    density = _densities.get(_query_key(collection, query))
    return 1.0 if density is None else density


def remember_density(
    collection: AsyncCollection[MongoDocument], query: MongoDocument, found: int, covered: float
) -> None:
    """Record what a walk saw: `found` matches where `covered` listed profiles lie."""
    if covered <= 0:
        return
    _densities.put(_query_key(collection, query), min(1.0, max(found, 1) / covered))


def _query_key(
    collection: AsyncCollection[MongoDocument], query: MongoDocument
) -> tuple[str, str, str]:
    return (collection.database.name, collection.name, json.dumps(query, sort_keys=True))


async def level_counts(
    collection: AsyncCollection[MongoDocument], stats: SearchStats
) -> LevelCounts:
    """The collection's per-level estimate: listed profiles per level of a random sample
    of about `SAMPLE_SIZE` profiles, scaled to the collection's size; measured at most
    every few minutes, in two commands (never a burst of one query per level)."""
    key = (collection.database.name, collection.name)
    cached = _level_counts.get(key)
    if cached is not None:
        return cached
    population = await collection.estimated_document_count()
    size = max(1, min(SAMPLE_SIZE, population))
    pipeline: list[MongoDocument] = [
        {"$sample": {"size": size}},
        {"$match": {"listed": True}},
        {"$group": {"_id": {"$substrCP": ["$rankKey", 0, 3]}, "n": {"$sum": 1}}},
    ]
    stats.queries.append(ExecutedQuery(collection.name, {}, None, size, "aggregate"))
    groups = await (await collection.aggregate(pipeline)).to_list()
    scale = population / size if population > size else 1.0
    per_level = [0.0] * RANK_LEVELS
    for group in groups:
        try:
            level = int(group["_id"])
        except (TypeError, ValueError):
            continue
        if 0 <= level < RANK_LEVELS:
            per_level[level] = group["n"] * scale
    counts = LevelCounts(tuple(per_level))
    _level_counts.put(key, counts)
    return counts


class _WindowedPostings:
    """The profiles matching one level query, after a `rankKey`, in `rankKey` order, read
    from the database a chunk at a time.

    Each read asks for one window of `rankKey` expected to hold `budget` listed profiles
    of the collection (`LevelCounts`): at first about one and a half chunks of postings
    at the query's density as an earlier walk in this process saw it (every profile
    matching when none did, and never more than `FIRST_BUDGET_CAP` chunks of
    profiles); wider while windows come back short; after a full read, as wide as the
    density it showed asks for. A server that sorts every match in memory then sorts
    about what one page needs, not every posting after the cursor.
    """

    def __init__(
        self,
        collection: AsyncCollection[MongoDocument],
        query: MongoDocument,
        after: str,
        stats: SearchStats,
        counts: LevelCounts,
        chunk: int,
        share: int,
    ) -> None:
        self.collection = collection
        self.query = query
        self.lower: tuple[str, str] = ("$gt", after)
        self.stats = stats
        self.counts = counts
        self.buffer: list[MongoDocument] = []
        self.exhausted = False
        self.starved = False
        self.share: int | None = max(share, 1)
        self.chunk = min(max(chunk, FIRST_CHUNK), MAX_CHUNK)
        density = remembered_density(collection, query)
        if density >= 1.0:
            self.budget = 2.0 * self.chunk
        else:
            self.budget = min(1.5 * self.chunk / density, FIRST_BUDGET_CAP * self.chunk)
        self.found = 0
        self.covered = 0.0

    async def head(self) -> MongoDocument | None:
        while not self.buffer and not self.exhausted:
            limit = self.stats.allowance(min(self.chunk, self.share or self.chunk))
            self.share = None
            if limit == 0:
                self.starved = True
                return None
            await self._read(limit)
        return self.buffer[0] if self.buffer else None

    def pop(self) -> None:
        self.buffer.pop(0)

    async def _read(self, limit: int) -> None:
        operator, lower_key = self.lower
        low = key_position(lower_key)
        high = self.counts.window_end(low, self.budget)
        upper = None if high is None or key_at(high) <= lower_key else key_at(high)
        bounds: MongoDocument = {operator: lower_key}
        if upper is not None:
            bounds["$lt"] = upper
        found = await read_postings(
            self.collection, self.query, bounds, limit, self.stats, hint=False
        )
        self.buffer = found
        self.found += len(found)
        full = len(found) == limit
        if full:
            read_to = key_position(found[-1]["rankKey"]) + 1
        else:
            read_to = KEY_SPACE if upper is None or high is None else high
        self.covered += self.counts.mass(low, read_to)
        remember_density(self.collection, self.query, self.found, self.covered)
        if full:  # full: the next window follows this one's density
            last = found[-1]["rankKey"]
            covered = max(self.counts.mass(low, key_position(last) + 1), 1.0)
            self.chunk = min(self.chunk * 4, MAX_CHUNK)
            self.budget = max(covered * self.chunk / len(found), 2.0 * self.chunk)
            self.lower = ("$gt", last)
        elif upper is not None:  # short: everything below `upper` is read; widen
            self.lower = ("$gte", upper)
            growth = WINDOW_GROWTH if not found else -(-self.chunk // len(found))
            self.budget *= min(max(growth, 2), WINDOW_GROWTH)
        else:
            self.exhausted = True


class _Merged:
    """The postings of an anchor's tokens merged in `rankKey` order, a profile once (one
    holding two of the tokens is in two streams). The server that needs windows answers
    an `$in` by scanning, so each token is a stream of its own."""

    def __init__(self, streams: list[_WindowedPostings]) -> None:
        self.streams = streams
        self.starved = False
        self._head: MongoDocument | None = None

    async def head(self) -> MongoDocument | None:
        if self._head is None:
            first = await lowest(self.streams)
            self.starved = any(stream.starved for stream in self.streams)
            self._head = None if first is None else first[1]
        return self._head

    def pop(self) -> None:
        if self._head is None:
            return
        key = self._head["rankKey"]
        for stream in self.streams:
            if stream.buffer and stream.buffer[0]["rankKey"] == key:
                stream.pop()
        self._head = None


class WindowedReader:
    """The anchor's postings read a key window at a time, one stream per token (a server
    that sorts in memory, and scans for an `$in`, a hint or an `$expr`: the walk checks
    the rest of the level)."""

    hints = False

    async def open(
        self,
        collection: AsyncCollection[MongoDocument],
        query: LevelQuery,
        after: str,
        stats: SearchStats,
        chunk: int,
        share: int,
    ) -> Postings:
        counts = await level_counts(collection, stats)
        tokens: list[str | None] = list(query.anchor) if query.anchor else [None]
        each = share // len(tokens)
        return _Merged(
            [
                _WindowedPostings(collection, token_query(t), after, stats, counts, chunk, each)
                for t in tokens
            ]
        )

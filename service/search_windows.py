"""How many listed profiles each completeness level of a collection holds, estimated from
a sample, and the `rankKey` windows sized by it.

`rankKey` is `<100 - completeness><spread><id>` (`service.search_fields`): within a
level the spread is uniform, so the profiles of a key range are the level's count times
the share of the level the range covers. A walk asks for a window expected to hold a
given number of profiles (`window_end`), skipping levels that hold none, so a server
that sorts every match of a query in memory reads about what a page needs. The counts
come from one small range per level: the first `fraction` of each level's spread, which
holds a uniform sample of that level. They are kept a few minutes; a stale estimate
costs speed, never results (windows are contiguous whatever their size).
"""

import asyncio
import math
from dataclasses import dataclass

from pymongo.asynchronous.collection import AsyncCollection

from service.db import MongoDocument
from service.search_fields import KEY_SPACE, RANK_LEVELS, SPREAD_SPAN, key_at
from service.timed_cache import TimedCache

SAMPLE_SIZE = 2000
"""About how many profiles the per-level sample reads, whatever the collection's size."""
REFRESH_SECONDS = 300.0


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
_densities: TimedCache[tuple[str, str, str | None], float] = TimedCache(
    DENSITY_SECONDS, DENSITY_ENTRIES
)


def remembered_density(collection: AsyncCollection[MongoDocument], token: str | None) -> float:
    """The share of listed profiles holding `token` that an earlier walk saw in this
    process (1.0 when none did: the cautious guess)."""
    density = _densities.get((collection.database.name, collection.name, token))
    return 1.0 if density is None else density


def remember_density(
    collection: AsyncCollection[MongoDocument], token: str | None, found: int, covered: float
) -> None:
    """Record what a walk saw: `found` postings where `covered` listed profiles lie."""
    if covered <= 0:
        return
    key = (collection.database.name, collection.name, token)
    _densities.put(key, min(1.0, max(found, 1) / covered))


async def _sample_level(collection: AsyncCollection[MongoDocument], level: int, width: int) -> int:
    start = level * SPREAD_SPAN
    query = {"listed": True, "rankKey": {"$gte": key_at(start), "$lt": key_at(start + width)}}
    return len(await collection.find(query, {"_id": 1}).to_list())


async def level_counts(collection: AsyncCollection[MongoDocument]) -> LevelCounts:
    """The collection's per-level estimate, sampled at most every few minutes."""
    key = (collection.database.name, collection.name)
    cached = _level_counts.get(key)
    if cached is not None:
        return cached
    population = await collection.estimated_document_count()
    fraction = min(1.0, SAMPLE_SIZE / max(population, 1))
    width = max(1, math.ceil(fraction * SPREAD_SPAN))
    sampled = await asyncio.gather(
        *(_sample_level(collection, level, width) for level in range(RANK_LEVELS))
    )
    share = width / SPREAD_SPAN
    counts = LevelCounts(tuple(found / share for found in sampled))
    _level_counts.put(key, counts)
    return counts

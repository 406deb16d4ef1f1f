"""Which clause a level walks: the one fewest listed profiles hold, as measured.

A clause's size is counted once (`count` with a limit, which mongod answers from the
index without fetching a document) and remembered for a few minutes per collection, so a
warm search sends no count at all. A remembered size only chooses the anchor: it never
decides what matches, so a stale one costs reads, never results.
"""

from pymongo.asynchronous.collection import AsyncCollection

from service.platform.cache import TimedCache
from service.platform.db import MongoDocument
from service.search.backend import ExecutedQuery, SearchStats
from service.search.query import Clause
from service.search.tokens.shape import TOKENS_INDEX

COUNT_CAP = 1000
"""Counting stops here: a clause held by more profiles is simply common (as many as one
request may read: walking any of them could spend the budget)."""
SIZE_SECONDS = 300.0
SIZE_ENTRIES = 20_000
_sizes: TimedCache[tuple[str, str, Clause], int] = TimedCache(SIZE_SECONDS, SIZE_ENTRIES)


async def clause_size(
    collection: AsyncCollection[MongoDocument], clause: Clause, stats: SearchStats, hint: bool
) -> int:
    """Listed profiles of `collection` holding a token of `clause` (at most `COUNT_CAP`)."""
    key = (collection.database.name, collection.name, clause)
    size = _sizes.get(key)
    if size is None:
        query: MongoDocument = {
            "listed": True,
            "searchTokens": clause[0] if len(clause) == 1 else {"$in": list(clause)},
        }
        index = TOKENS_INDEX if hint else None
        stats.queries.append(ExecutedQuery(collection.name, query, None, COUNT_CAP, "count", index))
        if index is None:
            size = await collection.count_documents(query, limit=COUNT_CAP)
        else:
            size = await collection.count_documents(query, limit=COUNT_CAP, hint=index)
        _sizes.put(key, size)
    return size


async def choose_anchor(
    collection: AsyncCollection[MongoDocument],
    clauses: list[Clause],
    stats: SearchStats,
    *,
    hint: bool,
    measure: bool = False,
) -> tuple[Clause, int | None]:
    """The clause of `clauses` fewest listed profiles of `collection` hold (the first
    of equals: callers list the clauses most likely to be selective first), and how many
    hold it (None when there was nothing to compare and not `measure`)."""
    if len(clauses) == 1 and not measure:
        return clauses[0], None
    best, best_size = clauses[0], await clause_size(collection, clauses[0], stats, hint)
    for clause in clauses[1:]:
        if best_size == 0:
            break
        size = await clause_size(collection, clause, stats, hint)
        if size < best_size:
            best, best_size = clause, size
    return best, best_size

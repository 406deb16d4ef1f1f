"""Reading the postings of a token: the listed profiles of one kind that hold it, after a
`rankKey`, in `rankKey` order, a chunk at a time.

`InOrderReader` is the production path: each read is
`{listed: true, searchTokens: <token>, rankKey: {$gt: <key>}}` sorted by `rankKey` with a
limit, which mongod answers from the index `(listed, searchTokens, rankKey)` in order,
examining about limit + 1 keys, whatever the number of matches. A server that sorts in
memory would sort every match after the key for each read: it gets the windowed reader
(`service.search.tokens.windowed`) instead, chosen once, when the service starts
(`TokensBackend.for_server`).
"""

from typing import Protocol

from pymongo.asynchronous.collection import AsyncCollection

from service.platform.db import MongoDocument
from service.search.backend import ExecutedQuery, SearchStats

FIRST_CHUNK = 16
MAX_CHUNK = 512
"""A stream's first read asks for what the caller will probably need (at least
`FIRST_CHUNK`); each full read makes the next four times larger, up to `MAX_CHUNK`."""


class Postings(Protocol):
    """One token's postings: `head()` is the next profile (None at the end); the walk
    takes it off the front of `buffer`."""

    buffer: list[MongoDocument]

    async def head(self) -> MongoDocument | None:
        """The next profile, reading more when the buffer is empty."""
        ...


class PostingsReader(Protocol):
    """Opens the postings of a walk's tokens."""

    async def open(
        self,
        collection: AsyncCollection[MongoDocument],
        tokens: list[str | None],
        after: str,
        stats: SearchStats,
        chunk: int,
    ) -> list[Postings]:
        """One stream per token (None: every listed profile), each after `after`; `chunk`
        is how many the caller will probably take."""
        ...


def postings_query(token: str | None, bounds: MongoDocument) -> MongoDocument:
    """`{listed: true, searchTokens: token, rankKey: bounds}` (no `searchTokens` for
    None), fields in the order of the index."""
    query: MongoDocument = {"listed": True}
    if token is not None:
        query["searchTokens"] = token
    query["rankKey"] = bounds
    return query


async def read_postings(
    collection: AsyncCollection[MongoDocument],
    query: MongoDocument,
    limit: int,
    stats: SearchStats,
) -> list[MongoDocument]:
    """The first `limit` profiles matching `query` in `rankKey` order, counted in `stats`."""
    stats.queries.append(ExecutedQuery(collection.name, query, {"rankKey": 1}, limit))
    found = await collection.find(query).sort("rankKey", 1).limit(limit).to_list()
    stats.documents_read += len(found)
    return found


class _InOrderPostings:
    def __init__(
        self,
        collection: AsyncCollection[MongoDocument],
        token: str | None,
        after: str,
        stats: SearchStats,
        chunk: int,
    ) -> None:
        self.collection = collection
        self.token = token
        self.after = after
        self.stats = stats
        self.chunk = min(max(chunk, FIRST_CHUNK), MAX_CHUNK)
        self.buffer: list[MongoDocument] = []
        self.exhausted = False

    async def head(self) -> MongoDocument | None:
        if not self.buffer and not self.exhausted:
            query = postings_query(self.token, {"$gt": self.after})
            found = await read_postings(self.collection, query, self.chunk, self.stats)
            self.buffer = found
            if len(found) < self.chunk:
                self.exhausted = True
            else:
                self.after = found[-1]["rankKey"]
                self.chunk = min(self.chunk * 4, MAX_CHUNK)
        return self.buffer[0] if self.buffer else None


class InOrderReader:
    """Postings read from the index in order (mongod)."""

    async def open(
        self,
        collection: AsyncCollection[MongoDocument],
        tokens: list[str | None],
        after: str,
        stats: SearchStats,
        chunk: int,
    ) -> list[Postings]:
        return [_InOrderPostings(collection, token, after, stats, chunk) for token in tokens]

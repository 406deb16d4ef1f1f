"""Reading the profiles of one level query (`service.search.tokens.shape`): the listed
profiles of one kind it matches, after a `rankKey`, in `rankKey` order, a chunk at a
time, never more than the request's read budget allows (`SearchStats.allowance`).

`InOrderReader` is the production path: each read is the level query with
`rankKey: {$gt: <key>}`, sorted by `rankKey`, limited and hinted, which mongod answers
from the index in order, examining about as many anchor entries as it needs. The first
read asks for what the page needs, so a level costs one query per kind unless the
service discards what it reads (the typo pass, availability by day). A server that sorts
in memory would sort every match after the key for each read: it gets the windowed
reader (`service.search.tokens.windowed`) instead, chosen once, when the service starts
(`TokensBackend.for_server`).
"""

from collections.abc import Sequence
from typing import Protocol

from pymongo.asynchronous.collection import AsyncCollection

from service.platform.db import MongoDocument
from service.search.backend import ExecutedQuery, SearchStats
from service.search.tokens.shape import LevelQuery, index_of, with_bounds

FIRST_CHUNK = 16
MAX_CHUNK = 128
"""A stream's first read asks for what the caller will probably need (at least
`FIRST_CHUNK`); each full read makes the next four times larger, up to `MAX_CHUNK` (the
documents of one read are decoded in one go, holding the event loop: a smaller ceiling
lets other requests in between)."""


class Postings(Protocol):
    """Candidates of one level query in `rankKey` order (every profile it matches, maybe
    more: the walk checks each): `head()` is the next one (None at the end, or when the
    budget is spent: then `starved` is True), `pop()` takes it."""

    starved: bool

    async def head(self) -> MongoDocument | None:
        """The next profile, reading more when none is buffered."""
        ...

    def pop(self) -> None:
        """Take the profile `head()` returned."""
        ...


async def lowest(streams: Sequence[Postings]) -> tuple[int, MongoDocument] | None:
    """The stream whose next profile comes first in `rankKey` order, and that profile;
    None when every stream is at its end, or when one is starved (then its `starved`
    says so: nothing after the last profile taken can be put in order)."""
    best: tuple[int, MongoDocument] | None = None
    for index, stream in enumerate(streams):
        head = await stream.head()
        if stream.starved:
            return None
        if head is not None and (best is None or head["rankKey"] < best[1]["rankKey"]):
            best = (index, head)
    return best


class PostingsReader(Protocol):
    """Opens the stream of a level query; `hints`: whether its queries name their index
    (a server that plans from the hint, as mongod does)."""

    hints: bool

    async def open(
        self,
        collection: AsyncCollection[MongoDocument],
        query: LevelQuery,
        after: str,
        stats: SearchStats,
        chunk: int,
        share: int,
    ) -> Postings:
        """The profiles matching `query` after `after`; `chunk` is how many the caller
        will probably take, `share` the most its first read may take of the budget (the
        walk gives every stream a share, so that each reads before any is starved)."""
        ...


async def read_postings(
    collection: AsyncCollection[MongoDocument],
    query: MongoDocument,
    bounds: MongoDocument,
    limit: int,
    stats: SearchStats,
    *,
    hint: bool,
) -> list[MongoDocument]:
    """The first `limit` profiles matching `query` within `bounds` of `rankKey`, in
    `rankKey` order (with its index named when `hint`), counted in `stats`."""
    bounded = with_bounds(query, bounds)
    index = index_of(query) if hint else None
    stats.queries.append(ExecutedQuery(collection.name, bounded, {"rankKey": 1}, limit, hint=index))
    cursor = collection.find(bounded).sort("rankKey", 1).limit(limit)
    if index is not None:
        cursor = cursor.hint(index)
    found = await cursor.to_list()
    stats.documents_read += len(found)
    return found


class _InOrderPostings:
    def __init__(
        self,
        collection: AsyncCollection[MongoDocument],
        query: LevelQuery,
        after: str,
        stats: SearchStats,
        chunk: int,
        share: int,
    ) -> None:
        self.collection = collection
        self.query = query.pushed()
        self.share: int | None = max(share, 1)
        self.after = after
        self.stats = stats
        self.chunk = min(max(chunk, FIRST_CHUNK), MAX_CHUNK)
        self.buffer: list[MongoDocument] = []
        self.exhausted = False
        self.starved = False

    async def head(self) -> MongoDocument | None:
        if not self.buffer and not self.exhausted:
            limit = self.stats.allowance(min(self.chunk, self.share or self.chunk))
            self.share = None
            if limit == 0:
                self.starved = True
                return None
            found = await read_postings(
                self.collection, self.query, {"$gt": self.after}, limit, self.stats, hint=True
            )
            self.buffer = found
            if len(found) < limit:
                self.exhausted = True
            else:
                self.after = found[-1]["rankKey"]
                self.chunk = min(self.chunk * 4, MAX_CHUNK)
        return self.buffer[0] if self.buffer else None

    def pop(self) -> None:
        self.buffer.pop(0)


class InOrderReader:
    """Each level query in one `find`, everything pushed into it, read from the hinted
    index in order (mongod)."""

    hints = True

    async def open(
        self,
        collection: AsyncCollection[MongoDocument],
        query: LevelQuery,
        after: str,
        stats: SearchStats,
        chunk: int,
        share: int,
    ) -> Postings:
        return _InOrderPostings(collection, query, after, stats, chunk, share)

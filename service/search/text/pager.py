"""Reading `$text` matches in rank order within a request's read budget (pure logic: the
database is behind `Fetch`).

Each kind of profile is a stream of documents in rank order (`textScore` descending,
then `rankKey`), read a chunk at a time: a chunk is the next `n` documents after a
position, `n` at most what the budget still allows (`SearchStats.allowance`), and every
document fetched counts against the budget. `MergedRead` merges the streams into one
order; a stream whose chunk came back short is finished. Streams that need a chunk at
the same time share what is left of the budget. When a stream needs another chunk and
the budget is spent, the read stops: everything up to the last document it handed out
has been seen, so the next page resumes after that one, and every match is on exactly
one page.
"""

from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from documents.vocabulary import ProfileType
from service.platform.db import MongoDocument
from service.search.backend import SearchStats

Rank = tuple[float, str]
"""Where a document stands: its text score and its `rankKey`."""
MAX_CHUNK = 256


@dataclass(frozen=True)
class Scored:
    """A document read, with its kind and its rank."""

    score: float
    key: str
    profile_type: ProfileType
    document: MongoDocument

    @property
    def rank(self) -> Rank:
        return (self.score, self.key)


def comes_before(a: Rank, b: Rank) -> bool:
    """Whether rank `a` comes before rank `b` (higher score first, then lower key)."""
    return a[0] > b[0] or (a[0] == b[0] and a[1] < b[1])


Fetch = Callable[[Rank | None, int], Awaitable[list[Scored]]]
"""The first `n` documents of one stream strictly after a rank (None: from the start)."""


@dataclass
class _Stream:
    fetch: Fetch
    after: Rank | None
    chunk: int
    buffer: deque[Scored] = field(default_factory=deque)
    finished: bool = False


class MergedRead:
    """The documents of several streams in one rank order, fetched lazily within the
    budget of `stats`: the first chunk of a stream asks for `first_chunk` documents,
    each next one for twice as many (at most `MAX_CHUNK`)."""

    def __init__(
        self, fetches: Sequence[Fetch], after: Rank | None, first_chunk: int, stats: SearchStats
    ) -> None:
        self._streams = [_Stream(fetch, after, max(first_chunk, 1)) for fetch in fetches]
        self._stats = stats
        self.last: Rank | None = after
        """The rank of the last document handed out (where a next read resumes)."""
        self.stopped = False
        """True when the budget ran out before the streams did."""

    async def next(self) -> Scored | None:
        """The next document in rank order; None when every stream is finished or the
        budget is spent (then `stopped`)."""
        empty = [stream for stream in self._streams if not stream.buffer and not stream.finished]
        for index, stream in enumerate(empty):
            # each stream that must be read gets a share of what is left: the order is
            # known only with a document of every stream at hand
            share = self._stats.remaining // (len(empty) - index)
            wanted = self._stats.allowance(min(stream.chunk, share))
            if wanted == 0:
                self.stopped = True
                return None
            documents = await stream.fetch(stream.after, wanted)
            self._stats.documents_read += len(documents)
            stream.buffer.extend(documents)
            stream.finished = len(documents) < wanted
            stream.chunk = min(stream.chunk * 2, MAX_CHUNK)
            if documents:
                stream.after = documents[-1].rank
        ready = [stream for stream in self._streams if stream.buffer]
        if not ready:
            return None
        best = ready[0]
        for stream in ready[1:]:
            if comes_before(stream.buffer[0].rank, best.buffer[0].rank):
                best = stream
        document = best.buffer.popleft()
        self.last = document.rank
        return document


@dataclass(frozen=True)
class Page:
    """Up to `limit` accepted documents; whether more may follow, and the rank the next
    page starts after (None: from the start, when nothing could be read)."""

    items: list[Scored]
    more: bool
    resume: Rank | None


async def read_page(read: MergedRead, limit: int, accept: Callable[[Scored], bool]) -> Page:
    """The next page: read until `limit + 1` documents pass `accept` (then the page ends
    at its `limit`-th), the streams end, or the budget is spent (then the page ends at
    the last document read, with what passed so far: fewer than `limit`, maybe none)."""
    passing: list[Scored] = []
    while len(passing) <= limit:
        document = await read.next()
        if document is None:
            return Page(passing, read.stopped, read.last)
        if accept(document):
            passing.append(document)
    return Page(passing[:limit], True, passing[limit - 1].rank)


async def collect(
    read: MergedRead, most: int, accept: Callable[[Scored], bool]
) -> tuple[list[Scored], bool]:
    """The first `most` documents that pass `accept`, and whether that is all of them
    (False when `most` or the budget stopped the read)."""
    passing: list[Scored] = []
    while len(passing) < most:
        document = await read.next()
        if document is None:
            return passing, not read.stopped
        if accept(document):
            passing.append(document)
    return passing, False

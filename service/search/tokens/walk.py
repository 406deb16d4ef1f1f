"""Walking a level: the profiles of every kind that satisfy its clauses and its rule, in
`rankKey` order after a key, as a merge of one stream per kind (the level query of that
kind, `service.search.tokens.shape`, read by the backend's `PostingsReader`).

The streams share the request's read budget. A walk that runs out of it stops where
every kind has been read: `stopped_at` is the last key it passed, so the next page goes
on from there and nothing is skipped or read twice. The first read of each stream takes
at most its share of what is left, so every stream reads before any is starved, and a
page that starts with a whole budget always ends further than it began.
"""

from dataclasses import dataclass

from documents.vocabulary import ProfileType
from service.profiles.kinds import kind_of
from service.search.backend import Hit, SearchStats
from service.search.query import Clause
from service.search.tokens.levels import Level
from service.search.tokens.reader import Postings, PostingsReader, lowest
from service.search.tokens.shape import LevelQuery

Anchors = dict[ProfileType, int]
"""Per kind, the position of the clause a pass walks (`selectivity.choose_anchor`)."""


def level_query(clauses: list[Clause], level: Level, anchor: int | None) -> LevelQuery:
    """The level query of one kind, walking clause `anchor`."""
    if not clauses:
        return LevelQuery(None, (), level.exact)
    index = anchor if anchor is not None and anchor < len(clauses) else 0
    others = tuple(clause for position, clause in enumerate(clauses) if position != index)
    return LevelQuery(clauses[index], others, level.exact)


class Walk:
    """The matches of a level, every kind merged in `rankKey` order, after a key.
    `chunk`: how many the caller will probably take (the size of each first read)."""

    def __init__(
        self,
        reader: PostingsReader,
        level: Level,
        anchors: Anchors,
        after: str,
        stats: SearchStats,
        chunk: int,
    ) -> None:
        self.reader = reader
        self.level = level
        self.anchors = anchors
        self.after = after
        self.stats = stats
        self.chunk = chunk
        self.streams: list[tuple[ProfileType, LevelQuery, Postings]] | None = None
        self.last_key = after
        self.starved = False

    async def _open(self) -> list[tuple[ProfileType, LevelQuery, Postings]]:
        kinds = [
            (kind, clauses) for kind, clauses in self.level.clauses.items() if clauses is not None
        ]
        share = self.stats.remaining // max(len(kinds), 1)
        streams = []
        for profile_type, clauses in kinds:
            collection = kind_of(profile_type).document.get_pymongo_collection()
            query = level_query(clauses, self.level, self.anchors.get(profile_type))
            stream = await self.reader.open(
                collection, query, self.after, self.stats, self.chunk, share
            )
            streams.append((profile_type, query, stream))
        return streams

    async def next(self) -> Hit | None:
        """The next match, or None at the end of the level or of the budget (then
        `starved` is True and `last_key` is where the walk stopped)."""
        if self.streams is None:
            self.streams = await self._open()
        while True:
            first = await lowest([stream for _, _, stream in self.streams])
            if first is None:
                self.starved = any(stream.starved for _, _, stream in self.streams)
                return None
            index, document = first
            profile_type, query, stream = self.streams[index]
            stream.pop()
            self.last_key = document["rankKey"]
            tokens = set(document.get("searchTokens") or ())
            if query.holds(tokens) and self.level.rule(tokens, document):
                return Hit(profile_type, document)


@dataclass
class LevelResult:
    hits: list[tuple[str, Hit]]
    stopped_at: str | None  # the key up to which everything was read, when the budget ran out


async def read_level(
    reader: PostingsReader,
    level: Level,
    anchors: Anchors,
    after: str,
    need: int,
    stats: SearchStats,
) -> LevelResult:
    """Up to `need` matches of one level, across kinds, in `rankKey` order."""
    walk = Walk(reader, level, anchors, after, stats, need)
    found: list[tuple[str, Hit]] = []
    while len(found) < need:
        hit = await walk.next()
        if hit is None:
            break
        found.append((hit.document["rankKey"], hit))
    return LevelResult(found, walk.last_key if walk.starved else None)

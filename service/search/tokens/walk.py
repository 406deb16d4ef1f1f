"""Walking a level: the profiles of one kind that satisfy every clause and the level's
rule, in `rankKey` order after a key, as a merge of the postings of the anchor clause's
tokens (read by the backend's `PostingsReader`), filtered by the others.

A page reads at most `MAX_READ_PER_PAGE` profiles of a walk, then hands out a cursor from
where it stopped."""

from dataclasses import dataclass

from documents.vocabulary import ProfileType
from service.platform.db import MongoDocument
from service.profiles.kinds import kind_of
from service.search.backend import Hit, SearchStats
from service.search.query import Clause
from service.search.tokens.levels import Level, Predicate, choose_anchor
from service.search.tokens.reader import Postings, PostingsReader

MAX_READ_PER_PAGE = 5000
"""A page stops after reading this many documents and hands out a cursor from there."""


class Walk:
    """The profiles of one kind satisfying every clause and a rule, in `rankKey` order,
    after a key: a merge of the anchor clause's postings, filtered. `chunk`: how many
    the caller will probably ask for (the size of the first read)."""

    def __init__(
        self,
        reader: PostingsReader,
        profile_type: ProfileType,
        clauses: list[Clause],
        rule: Predicate,
        after: str,
        stats: SearchStats,
        chunk: int,
    ) -> None:
        self.reader = reader
        self.collection = kind_of(profile_type).document.get_pymongo_collection()
        anchor = choose_anchor(clauses) if clauses else None
        self.others = [clause for clause in clauses if clause is not anchor]
        self.tokens: list[str | None] = list(anchor) if anchor is not None else [None]
        self.after = after
        self.stats = stats
        self.chunk = chunk
        self.streams: list[Postings] | None = None
        self.rule = rule
        self.last_key = after
        self.read = 0

    async def _open(self) -> list[Postings]:
        return await self.reader.open(
            self.collection, self.tokens, self.after, self.stats, self.chunk
        )

    async def next(self) -> MongoDocument | None:
        """The next matching profile, or None at the end."""
        if self.streams is None:
            self.streams = await self._open()
        while True:
            best: MongoDocument | None = None
            for stream in self.streams:
                head = await stream.head()
                if head is not None and (best is None or head["rankKey"] < best["rankKey"]):
                    best = head
            if best is None:
                return None
            for stream in self.streams:  # a profile holding two anchor tokens: once
                if stream.buffer and stream.buffer[0]["rankKey"] == best["rankKey"]:
                    stream.buffer.pop(0)
            self.last_key = best["rankKey"]
            self.read += 1
            tokens = set(best.get("searchTokens") or ())
            if all(tokens.intersection(clause) for clause in self.others) and self.rule(
                tokens, best
            ):
                return best
            if self.read >= MAX_READ_PER_PAGE:
                return None


@dataclass
class LevelResult:
    hits: list[tuple[str, Hit]]
    stopped_at: str | None  # a key everything before which was read, when stopped early


async def read_level(
    reader: PostingsReader, level: Level, after: str, need: int, stats: SearchStats
) -> LevelResult:
    """Up to `need` matches of one level, across kinds, in `rankKey` order."""
    found: list[tuple[str, Hit]] = []
    stopped: list[str] = []
    for profile_type, clauses in level.clauses.items():
        if clauses is None:
            continue
        walk = Walk(reader, profile_type, clauses, level.rule, after, stats, need)
        for _ in range(need):
            document = await walk.next()
            if document is None:
                if walk.read >= MAX_READ_PER_PAGE:
                    stopped.append(walk.last_key)
                break
            found.append((document["rankKey"], Hit(profile_type, document)))
    found.sort(key=lambda item: item[0])
    stop = min(stopped) if stopped else None
    if stop is not None:  # keep only what lies before the earliest early stop
        found = [item for item in found if item[0] <= stop]
    return LevelResult(found[:need], stop)

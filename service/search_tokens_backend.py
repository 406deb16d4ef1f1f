"""The `tokens` search backend: every query an equality on `searchTokens` and a range on
`rankKey`, served by the index `(listed, searchTokens, rankKey)`.

A search is a list of levels, best first. With words, level `t` holds the profiles in
which exactly `n - t` of the `n` words match a whole word (the others a word's start),
so whole-word matches rank before prefix matches; within a level the order is
`rankKey` (completeness, then id). Without words there is one level.

Each level is read per kind of profile by walking one anchor clause (the most selective
by its tokens; a clause of several tokens is a merge of one walk per token) in
`rankKey` order, a chunk and a key window at a time, and keeping the documents that
satisfy the other clauses and the level's rule. Every database query has the shape
`{listed: true, searchTokens: <token>, rankKey: {$gt: <key>, $lt: <key>}}` sorted by
`rankKey` (or without `searchTokens` when nothing narrows the search), which mongod
answers from the index in order, reading about as many entries as it returns; the key
window keeps a server that sorts in memory to about as many.

When the words find nothing, a second pass forgives one typo in each word of five
letters or more (`service.typos`); its page says `typoTolerant`.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from documents.embedded import ProfileType
from service.db import MongoDocument
from service.profile_kinds import kind_of
from service.search_backend import (
    BackendPage,
    ExecutedQuery,
    FacetCount,
    Facets,
    Hit,
    Position,
    SearchStats,
)
from service.search_fields import (
    EXACT_MARK,
    FACET_FIELDS,
    KEY_SPACE,
    is_available,
    key_at,
    key_position,
    stored_words,
)
from service.search_query import (
    Clause,
    SearchQuery,
    filter_clauses,
    typo_clauses,
    typo_words,
    word_clauses,
)
from service.search_windows import (
    LevelCounts,
    level_counts,
    remember_density,
    remembered_density,
)
from service.typos import within_one_edit

Predicate = Callable[[set[str], MongoDocument], bool]

FIRST_CHUNK = 16
MAX_CHUNK = 512
FIRST_BUDGET_CAP = 1024
"""A walk's first window never expects more than this many chunks of profiles. With a
remembered density a rare word's walk then takes one window up to some 20,000 profiles
of a kind (64 took one more round trip per 8x the collection); a density gone stale (the
word grew common within the minutes it is remembered) costs one window of at most this
many chunks: sorted in memory by a server that sorts matches (the embedded one), read
in index order up to the limit by mongod."""
WINDOW_GROWTH = 8
"""At most how much wider the next `rankKey` window of a walk is after a short one."""
MAX_READ_PER_PAGE = 5000
"""A page stops after reading this many documents and hands out a cursor from there."""
FACET_LIMIT = 1000
"""Facets count at most this many results, so a broad query stays cheap."""
FACET_VALUES = 10
FACET_CHUNK = 128


@dataclass(frozen=True)
class Level:
    """One rank level of a pass, per kind: the clauses and the rule a profile of that
    kind must satisfy (None: the kind cannot match)."""

    clauses: dict[ProfileType, list[Clause] | None]
    rule: Predicate


def _always(_: set[str], __: MongoDocument) -> bool:
    return True


def _token_score(token: str) -> int:
    """How selective a token probably is (higher: fewer profiles hold it)."""
    if ":" in token:
        name, _, value = token.partition(":")
        if name in ("style", "location", "gender"):
            return 8
        if name == "verified" and value == "true":
            return 6
        return 2
    if token.startswith(EXACT_MARK):
        return 2 * len(token) + 1
    return 2 * len(token.lstrip("~"))


def choose_anchor(clauses: list[Clause]) -> Clause:
    """The clause to walk: the most selective by its tokens; several tokens (any of
    them) count as less selective."""
    return max(clauses, key=lambda clause: min(map(_token_score, clause)) - 2 * (len(clause) - 1))


class _Postings:
    """The listed profiles holding one token (or all listed ones: `token` None), after a
    `rankKey`, in `rankKey` order, read from the database a chunk at a time.

    Each read asks for one window of `rankKey` expected to hold `budget` listed profiles
    of the collection (`service.search_windows`): at first about one and a half chunks
    of postings at the token's density as an earlier walk in this process saw it (every
    profile holding it when none did, and never more than `FIRST_BUDGET_CAP` chunks of
    profiles); wider while windows come back short; after a full read, as wide as the
    density it showed asks for. A server that sorts every match in memory then reads
    about what one page needs, not every posting after the cursor; in index order
    (mongod) a window costs one more bound.
    """

    def __init__(
        self,
        collection: AsyncCollection[MongoDocument],
        token: str | None,
        after: str,
        stats: SearchStats,
        counts: LevelCounts,
        chunk: int,
    ) -> None:
        self.collection = collection
        self.token = token
        self.lower: tuple[str, str] = ("$gt", after)
        self.stats = stats
        self.counts = counts
        self.buffer: list[MongoDocument] = []
        self.exhausted = False
        self.chunk = min(max(chunk, FIRST_CHUNK), MAX_CHUNK)
        density = remembered_density(collection, token)
        if density >= 1.0:
            self.budget = 2.0 * self.chunk
        else:
            self.budget = min(1.5 * self.chunk / density, FIRST_BUDGET_CAP * self.chunk)
        self.found = 0
        self.covered = 0.0

    async def head(self) -> MongoDocument | None:
        while not self.buffer and not self.exhausted:
            await self._read()
        return self.buffer[0] if self.buffer else None

    async def _read(self) -> None:
        operator, lower_key = self.lower
        low = key_position(lower_key)
        high = self.counts.window_end(low, self.budget)
        upper = None if high is None or key_at(high) <= lower_key else key_at(high)
        bounds: MongoDocument = {operator: lower_key}
        if upper is not None:
            bounds["$lt"] = upper
        query: MongoDocument = {"listed": True}
        if self.token is not None:
            query["searchTokens"] = self.token
        query["rankKey"] = bounds
        self.stats.queries.append(
            ExecutedQuery(self.collection.name, query, {"rankKey": 1}, self.chunk)
        )
        found = await self.collection.find(query).sort("rankKey", 1).limit(self.chunk).to_list()
        self.stats.documents_read += len(found)
        self.buffer = found
        self.found += len(found)
        if len(found) == self.chunk:
            read_to = key_position(found[-1]["rankKey"]) + 1
        else:
            read_to = KEY_SPACE if upper is None or high is None else high
        self.covered += self.counts.mass(low, read_to)
        remember_density(self.collection, self.token, self.found, self.covered)
        if len(found) == self.chunk:  # full: the next window follows this one's density
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


class _Walk:
    """The profiles of one kind satisfying every clause and a rule, in `rankKey` order,
    after a key: a merge of the anchor clause's postings, filtered. `chunk`: how many
    the caller will probably ask for (the size of the first read)."""

    def __init__(
        self,
        profile_type: ProfileType,
        clauses: list[Clause],
        rule: Predicate,
        after: str,
        stats: SearchStats,
        chunk: int,
    ) -> None:
        self.collection = kind_of(profile_type).document.get_pymongo_collection()
        anchor = choose_anchor(clauses) if clauses else None
        self.others = [clause for clause in clauses if clause is not anchor]
        self.tokens: list[str | None] = list(anchor) if anchor is not None else [None]
        self.after = after
        self.stats = stats
        self.chunk = chunk
        self.streams: list[_Postings] | None = None
        self.rule = rule
        self.last_key = after
        self.read = 0

    async def _open(self) -> list[_Postings]:
        counts = await level_counts(self.collection)
        return [
            _Postings(self.collection, token, self.after, self.stats, counts, self.chunk)
            for token in self.tokens
        ]

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
class _LevelResult:
    hits: list[tuple[str, Hit]]
    stopped_at: str | None  # a key everything before which was read, when stopped early


async def _read_level(level: Level, after: str, need: int, stats: SearchStats) -> _LevelResult:
    """Up to `need` matches of one level, across kinds, in `rankKey` order."""
    found: list[tuple[str, Hit]] = []
    stopped: list[str] = []
    for profile_type, clauses in level.clauses.items():
        if clauses is None:
            continue
        walk = _Walk(profile_type, clauses, level.rule, after, stats, need)
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
    return _LevelResult(found[:need], stop)


def _with_filters(query: SearchQuery, rule: Predicate) -> Predicate:
    """`rule`, and what the filters need beyond tokens (availability on every day)."""
    available = query.filters.available
    if available is None:
        return rule
    start, end = available

    def checked(tokens: set[str], document: MongoDocument) -> bool:
        return is_available(document.get("availability"), start, end) and rule(tokens, document)

    return checked


def _exact_count(query_words: list[str]) -> Callable[[set[str]], int]:
    marked = [EXACT_MARK + word for word in query_words]
    return lambda tokens: sum(token in tokens for token in marked)


def strict_levels(query: SearchQuery) -> list[Level]:
    """The levels of the first pass: by how many words match whole, then `rankKey`."""
    query_words = query.words
    filters = {kind: filter_clauses(kind, query.filters) for kind in query.kinds}
    if not query_words:
        return [Level(filters, _with_filters(query, _always))]
    exact_count = _exact_count(query_words)
    levels = []
    for exact in range(len(query_words), -1, -1):
        words_clauses = word_clauses(query_words, exact=exact == len(query_words))
        clauses = {
            kind: None if found is None else [*found, *words_clauses]
            for kind, found in filters.items()
        }

        def rule(tokens: set[str], _: MongoDocument, exact: int = exact) -> bool:
            return exact_count(tokens) == exact

        levels.append(Level(clauses, _with_filters(query, rule)))
    return levels


def typo_level(query: SearchQuery) -> Level:
    """The level of the typo pass: each word of five letters or more may differ by one
    edit from a word (or a word's start) of the profile."""
    query_words = query.words
    forgiving = typo_words(query_words)
    filters = {kind: filter_clauses(kind, query.filters) for kind in query.kinds}
    clauses = {
        kind: None if found is None else [*found, *typo_clauses(query_words)]
        for kind, found in filters.items()
    }

    def rule(tokens: set[str], _: MongoDocument) -> bool:
        profile_words = stored_words(tokens)
        return all(within_one_edit(word, profile_words) for word in forgiving)

    return Level(clauses, _with_filters(query, rule))


def broadest_level(query: SearchQuery, typo: bool) -> Level:
    """Every match of the pass, in one level (what facets count)."""
    if typo:
        return typo_level(query)
    filters = {kind: filter_clauses(kind, query.filters) for kind in query.kinds}
    words_clauses = word_clauses(query.words, exact=False)
    clauses = {
        kind: None if found is None else [*found, *words_clauses] for kind, found in filters.items()
    }
    return Level(clauses, _with_filters(query, _always))


async def count_facets(level: Level, stats: SearchStats) -> Facets:
    """Style and location counts over the first `FACET_LIMIT` matches of `level`."""
    counts: dict[str, Counter[str]] = {name: Counter() for name in FACET_FIELDS}
    counted = 0
    complete = True
    for profile_type, clauses in level.clauses.items():
        if clauses is None:
            continue
        walk = _Walk(profile_type, clauses, level.rule, "", stats, FACET_CHUNK)
        while True:
            if counted >= FACET_LIMIT:
                complete = False
                break
            document = await walk.next()
            if document is None:
                complete = complete and walk.read < MAX_READ_PER_PAGE
                break
            counted += 1
            for token in document.get("searchTokens") or ():
                name, sep, value = token.partition(":")
                if sep and name in counts:
                    counts[name][value] += 1

    def top(name: str) -> list[FacetCount]:
        ordered = sorted(counts[name].items(), key=lambda item: (-item[1], item[0]))
        return [FacetCount(value, count) for value, count in ordered[:FACET_VALUES]]

    return Facets(top("style"), top("location"), counted, complete)


class TokensBackend:
    """Search on the derived `searchTokens` (the default backend)."""

    name = "tokens"

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
            facets = await count_facets(broadest_level(query, typo), stats)
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
            result = await _read_level(
                levels[index], after if index == start else "", wanted - len(found), stats
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

"""Every query a search sends is served by an index: `explain` of each shows IXSCAN on
the index it was designed for, never COLLSCAN."""

from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from documents.derived.search_fields import filter_token, filter_value, search_fields
from documents.vocabulary import ProfileType
from service.platform.caller import Caller
from service.platform.db import Database, MongoDocument
from service.search.backend import ExecutedQuery
from service.search.cursor import CursorCodec
from service.search.discovery import search_profiles
from service.search.query import SearchFilters, SearchQuery
from service.search.tokens.backend import TokensBackend
from service.search.tokens.reader import InOrderReader, PostingsReader
from service.search.tokens.selectivity import COUNT_CAP
from service.search.tokens.windowed import WindowedReader
from tests.factories.cast import every_match, seed_directly
from tests.factories.drawn import ProfileGenerator

pytestmark = pytest.mark.parametrize("backend", ["tokens"], indirect=True)

EVERYONE: tuple[ProfileType, ...] = ("dancer", "choreographer")
SHAPES = [
    SearchQuery(kinds=EVERYONE),
    SearchQuery(kinds=("dancer",), text="gina"),
    SearchQuery(kinds=EVERYONE, text="gina atl the"),
    SearchQuery(kinds=EVERYONE, text="a"),
    SearchQuery(kinds=("dancer",), filters=SearchFilters(styles=("jazz", "tap", "ballet"))),
    SearchQuery(
        kinds=EVERYONE,
        text="gina",
        filters=SearchFilters(locations=("Atlanta, GA",), verified=True),
    ),
    SearchQuery(kinds=("dancer",), filters=SearchFilters(union_member=True, genders=("female",))),
    SearchQuery(kinds=EVERYONE, text="mullerr"),  # the typo pass
    SearchQuery(kinds=EVERYONE, text="atlanta", facets=True),
    SearchQuery(kinds=EVERYONE, text="atlanta", limit=1),
]


def stages(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Every stage of a plan tree."""
    found = [plan]
    for key in ("inputStage", "queryPlan"):
        if isinstance(plan.get(key), dict):
            found += stages(plan[key])
    for child in plan.get("inputStages", []):
        found += stages(child)
    return found


async def explain(db: AsyncDatabase[MongoDocument], query: ExecutedQuery) -> list[dict[str, Any]]:
    command: MongoDocument = {
        "find": query.collection,
        "filter": query.filter,
        "limit": query.limit,
    }
    if query.sort:
        command["sort"] = query.sort
    if query.hint:
        command["hint"] = query.hint
    result = await db.command("explain", command, verbosity="queryPlanner")
    return stages(result["queryPlanner"]["winningPlan"])


READERS: dict[str, PostingsReader] = {"in-order": InOrderReader(), "windowed": WindowedReader()}
WINDOWED = TokensBackend(WindowedReader())


@pytest.mark.parametrize("reader", sorted(READERS))
async def test_every_query_shape_is_index_backed(database: Database, reader: str) -> None:
    await seed_directly()
    codec = CursorCodec(b"plans")
    backend = TokensBackend(READERS[reader])
    executed: list[ExecutedQuery] = []
    for shape in SHAPES:
        result = await search_profiles(Caller("reader"), shape, codec, backend)
        executed += result.stats.queries
        if result.next_cursor:  # the next page's queries too
            follow = SearchQuery(**{**shape.__dict__, "cursor": result.next_cursor})
            executed += (
                await search_profiles(Caller("reader"), follow, codec, backend)
            ).stats.queries
    assert len(executed) > len(SHAPES)
    # the windowed reader's per-level sample is one `$sample` of the collection
    sampled = [query for query in executed if query.command == "aggregate"]
    assert all(query.filter == {} for query in sampled)
    for query in executed:
        if query in sampled:
            continue
        plan = await explain(database.database, query)
        names = {stage["stage"] for stage in plan}
        assert "COLLSCAN" not in names, query
        scans = [stage for stage in plan if stage["stage"] == "IXSCAN"]
        expected = (
            "listed_searchTokens_rankKey" if "searchTokens" in query.filter else "listed_rankKey"
        )
        assert [scan["indexName"] for scan in scans] == [expected], query


async def keys_examined(db: AsyncDatabase[MongoDocument], query: ExecutedQuery) -> int:
    command: MongoDocument = {"find": query.collection, "filter": query.filter}
    command |= {"sort": query.sort, "limit": query.limit} if query.sort else {"limit": query.limit}
    result = await db.command("explain", command, verbosity="executionStats")
    return int(result["executionStats"]["totalKeysExamined"])


async def seed_generated(database: Database, count: int) -> dict[ProfileType, list[MongoDocument]]:
    """`count` generated profiles (the benchmark's generator), inserted as stored."""
    generated: dict[ProfileType, list[MongoDocument]] = {"dancer": [], "choreographer": []}
    for kind, document in ProfileGenerator(seed=7).profiles(count):
        generated[kind].append(document)
    await database.database.dancers.insert_many(generated["dancer"])
    await database.database.choreographers.insert_many(generated["choreographer"])
    return generated


async def test_a_page_reads_about_what_it_returns_not_every_match(database: Database) -> None:
    """With the windowed reader each query reads one `rankKey` window, so even a server
    that sorts every match in memory (the embedded one) examines about a page, not the
    collection."""
    generated = await seed_generated(database, 1000)
    dancers = len(generated["dancer"])
    for shape in [
        SearchQuery(kinds=("dancer",)),
        SearchQuery(kinds=EVERYONE),
        SearchQuery(kinds=("dancer",), filters=SearchFilters(styles=("Hip-Hop",))),
        SearchQuery(kinds=("dancer",), text="a"),
    ]:
        result = await search_profiles(Caller("reader"), shape, CursorCodec(b"w"), WINDOWED)
        assert len(result.items) == shape.limit
        reads = [q for q in result.stats.queries if q.command == "find"]
        examined = [await keys_examined(database.database, q) for q in reads]
        assert sum(examined) < dancers / 4, (shape, examined)
        # a clause's size is counted once, up to a cap, then remembered for minutes
        assert all(q.limit <= COUNT_CAP for q in result.stats.queries if q.command == "count")


async def test_windows_follow_the_index_order_exactly_once(database: Database) -> None:
    generated = await seed_generated(database, 300)
    listed = sorted((d for d in generated["dancer"] if d["listed"]), key=lambda d: d["rankKey"])
    expected = [str(d["_id"]) for d in listed]
    seen = await every_match(SearchQuery(kinds=("dancer",), limit=23), CursorCodec(b"w"), WINDOWED)
    assert seen == expected


async def test_a_walk_remembers_how_dense_its_token_is(database: Database) -> None:
    """The first walk of a rare token widens window by window; the next one of the same
    token starts as wide as the density the first saw, with the same results."""
    await seed_generated(database, 600)
    query = SearchQuery(kinds=("dancer",), filters=SearchFilters(locations=("Boston, MA",)))
    codec = CursorCodec(b"d")
    first = await search_profiles(Caller("reader"), query, codec, WINDOWED)
    second = await search_profiles(Caller("reader"), query, codec, WINDOWED)
    assert second.items == first.items and len(first.items) > 0
    assert len(second.stats.queries) < len(first.stats.queries), (
        len(first.stats.queries),
        len(second.stats.queries),
    )


async def test_a_stale_density_costs_reads_never_results(database: Database) -> None:
    """A walk remembers a city as rare; then it becomes common. The next walk starts with
    a window sized for the rare city, and still returns exactly the listing's order."""
    await seed_generated(database, 250)
    city = "Boston, MA"
    query = SearchQuery(kinds=("dancer",), filters=SearchFilters(locations=(city,)))
    codec = CursorCodec(b"stale")
    before = await search_profiles(Caller("reader"), query, codec, WINDOWED)
    more = []
    generator = ProfileGenerator(seed=99)
    generator.serial = 10_000  # user ids after the first 250
    for kind, document in generator.profiles(100):
        if kind == "dancer":
            document |= {"listed": True, "workLocation": [city]}
            document |= search_fields(kind, document, document["completeness"], document["_id"])
            more.append(document)
    await database.database.dancers.insert_many(more)
    token = filter_token("location", filter_value(city))
    listing = database.database.dancers.find({"listed": True, "searchTokens": token})
    expected = [str(d["_id"]) for d in await listing.sort("rankKey", 1).to_list()]
    assert len(before.items) < query.limit < len(expected)
    assert await every_match(query, codec, WINDOWED) == expected

"""One read budget per search request, the anchor chosen by measured selectivity, one
query per level and kind on the in-order path, and the typo pass only after a strict
pass that read everything: on a city where everyone works, with the same styles."""

from typing import Any

import pytest

from documents.derived.search_fields import search_fields
from documents.vocabulary import ProfileType
from service.platform.db import Database, MongoDocument
from service.search.backend import Position, SearchStats
from service.search.query import SearchFilters, SearchQuery
from service.search.tokens.backend import TokensBackend
from service.search.tokens.reader import InOrderReader
from service.search.tokens.windowed import WindowedReader
from tests.factories.drawn import ProfileGenerator

pytestmark = pytest.mark.parametrize("backend", ["tokens"], indirect=True)

EVERYONE: tuple[ProfileType, ...] = ("dancer", "choreographer")
READERS: dict[str, type[InOrderReader] | type[WindowedReader]] = {
    "in-order": InOrderReader,
    "windowed": WindowedReader,
}
PER_KIND = 120


async def seed_one_city(database: Database) -> dict[ProfileType, list[MongoDocument]]:
    """`PER_KIND` listed profiles of each kind, all in Atlanta; half do ballet and tap,
    half salsa and jazz, never both; two are called Zed."""
    made: dict[ProfileType, list[MongoDocument]] = {"dancer": [], "choreographer": []}
    generator = ProfileGenerator(seed=11)
    while min(len(found) for found in made.values()) < PER_KIND:
        kind, document = generator.profile()
        if len(made[kind]) >= PER_KIND:
            continue
        serial = len(made[kind])
        document["listed"] = True
        document["workLocation"] = ["Atlanta, GA"]
        document.setdefault("resume", {})["danceStyles"] = (
            ["Ballet", "Tap"] if serial % 2 else ["Salsa", "Jazz"]
        )
        if serial == 7:
            document["displayName"] = "Zed Okafor"
        document |= search_fields(kind, document, document["completeness"], document["_id"])
        made[kind].append(document)
    await database.database.dancers.insert_many(made["dancer"])
    await database.database.choreographers.insert_many(made["choreographer"])
    return made


async def every_page(
    backend: TokensBackend, query: SearchQuery, budget: int
) -> tuple[list[str], list[SearchStats], list[bool]]:
    """The ids of every match, following positions with `budget` per page; each page's
    stats and whether it was the typo pass's."""
    ids: list[str] = []
    pages: list[SearchStats] = []
    typo: list[bool] = []
    position: Position | None = None
    while True:
        stats = SearchStats(budget=budget)
        page = await backend.search(query, position, stats)
        ids += [str(hit.document["_id"]) for hit in page.hits]
        pages.append(stats)
        typo.append(page.typo_tolerant)
        if page.next_position is None:
            return ids, pages, typo
        assert len(pages) < 200, "the pages do not progress"
        position = page.next_position


QUERIES = [
    SearchQuery(kinds=EVERYONE),
    SearchQuery(kinds=EVERYONE, text="atlanta"),
    SearchQuery(kinds=EVERYONE, text="atl bal"),
    SearchQuery(kinds=("dancer",), text="zed atlanta"),
    SearchQuery(kinds=EVERYONE, filters=SearchFilters(styles=("Ballet", "Salsa"))),
]


@pytest.mark.parametrize("reader", sorted(READERS))
@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.text or str(q.filters.styles))
async def test_a_small_budget_pages_through_every_match_exactly_once(
    database: Database, reader: str, query: SearchQuery
) -> None:
    await seed_one_city(database)
    backend = TokensBackend(READERS[reader]())
    expected, _, _ = await every_page(backend, query, budget=100_000)
    found, pages, _ = await every_page(backend, query, budget=30)
    assert found == expected and len(expected) > 0
    assert all(stats.documents_read <= 30 for stats in pages)
    assert len(pages) > len(expected) // 30


@pytest.mark.parametrize("reader", sorted(READERS))
async def test_the_anchor_is_the_clause_fewest_profiles_hold(
    database: Database, reader: str
) -> None:
    """`atlanta` is longer and everyone holds it; `zed` is short and two do."""
    await seed_one_city(database)
    backend = TokensBackend(READERS[reader]())
    stats = SearchStats()
    page = await backend.search(SearchQuery(kinds=EVERYONE, text="atlanta zed"), None, stats)
    assert [hit.document["displayName"] for hit in page.hits] == ["Zed Okafor", "Zed Okafor"]
    finds = [query for query in stats.queries if query.command == "find"]
    assert finds and all(query.filter["searchTokens"] in ("=zed", "zed") for query in finds)
    # in order, the level queries return the two; in windows, each level reads them again
    assert stats.documents_read <= (2 if reader == "in-order" else 2 * 3)


async def test_words_that_never_meet_read_nothing_on_the_in_order_path(database: Database) -> None:
    """Everyone does tap or jazz, no one both: the level queries carry the other word
    and the count of whole words, so the database returns nothing to discard (and words
    under five letters get no typo pass)."""
    await seed_one_city(database)
    backend = TokensBackend(InOrderReader())
    for text in ("tap jazz", "atlanta atlanta atlanta atlanta atlanta qxjvw"):
        found, pages, _ = await every_page(backend, SearchQuery(kinds=EVERYONE, text=text), 1000)
        assert found == [] and len(pages) == 1
        assert pages[0].documents_read == 0, text


async def test_a_spent_budget_ends_the_page_and_skips_the_typo_pass(database: Database) -> None:
    """The windowed reader checks the other word on what it reads: a strict pass that
    runs out of budget before finding anything hands out a cursor, and the typo pass
    (which would forgive `salsa` as `salsa`'s neighbours) does not run on top."""
    await seed_one_city(database)
    backend = TokensBackend(WindowedReader())
    query = SearchQuery(kinds=EVERYONE, text="ballet salsa")
    found, pages, typo = await every_page(backend, query, budget=40)
    assert found == [] and len(pages) > 1 and not any(typo)
    assert all(stats.documents_read <= 40 for stats in pages)


async def test_a_warm_page_sends_one_query_per_level_and_kind(database: Database) -> None:
    await seed_one_city(database)
    backend = TokensBackend(InOrderReader())
    for text, levels in (("", 1), ("atlanta", 2), ("atl bal", 3), ("zed atlanta", 3)):
        query = SearchQuery(kinds=EVERYONE, text=text)
        await backend.search(query, None, SearchStats())  # measures the clauses
        stats = SearchStats()
        await backend.search(query, None, stats)
        commands: list[Any] = [q.command for q in stats.queries]
        assert set(commands) <= {"find"} and len(commands) <= levels * len(EVERYONE), text


@pytest.mark.parametrize("reader", sorted(READERS))
async def test_facets_spend_the_same_budget(database: Database, reader: str) -> None:
    await seed_one_city(database)
    backend = TokensBackend(READERS[reader]())
    stats = SearchStats(budget=100)
    query = SearchQuery(kinds=EVERYONE, text="atlanta", limit=10, facets=True)
    page = await backend.search(query, None, stats)
    assert page.facets is not None and not page.facets.complete
    assert 0 < page.facets.counted <= 100 - 22
    assert stats.documents_read <= 100
    whole = await backend.search(query, None, SearchStats())
    assert whole.facets is not None and whole.facets.complete
    assert whole.facets.counted == 2 * PER_KIND

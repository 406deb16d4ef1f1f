"""What the `text` backend does on a server with text indexes (mongod: set
`PROFILES_TEST_MONGODB_URL`, as the `mongodb` CI workflow does); on one without them
(SecantusDB) every case here is skipped, saying so (see the search conftest)."""

from typing import Any

import pytest

from service.platform.db import Database
from service.search.backend import Position, SearchStats
from service.search.query import SearchQuery
from service.search.text.backend import TextBackend
from service.search.tokens.backend import TokensBackend
from tests.factories.cast import Person, dancer, names, seed, seed_directly
from tests.helpers import Client
from tests.service.search.test_conformance import find

pytestmark = pytest.mark.parametrize("backend", ["text"], indirect=True)

CAST = [
    Person("gina-omar", "dancer", dancer("Gina Omar", ["Ballet"], ["Boston, MA"])),
    Person("lia-park", "dancer", dancer("Lia Park", ["Modern Dance"], ["Atlanta, GA"])),
    Person("kate-obrien", "dancer", dancer("Kate O'Brien", ["Tap Dancing"], ["Atlanta, GA"])),
    Person("rita-moss", "dancer", dancer("Rita Moss", ["Jazz"], ["Chicago, IL"])),
    Person(
        "nina-jazz",
        "choreographer",
        {**dancer("Nina Jazz", ["Tap"], ["Chicago, IL"]), "companyName": "Studio Nine"},
    ),
    Person("hidden", "dancer", dancer("Hidden Dance", ["Dance"], ["Atlanta, GA"]), listed=False),
]
TROUPE = [
    Person(f"troupe-{n}", "dancer", dancer(f"Troupe Member{n}", ["Contemporary Dance"], ["Reno"]))
    for n in range(7)
]


async def test_words_match_whole_stemmed_words(client: Client) -> None:
    await seed(client, CAST)
    for q in ("dance", "dancing", "dances", "DANCED"):
        assert set(names(await find(client, q=q))) == {"Lia Park", "Kate O'Brien"}, q
    assert names(await find(client, q="ballets")) == ["Gina Omar"]
    assert names(await find(client, q="o'brien")) == ["Kate O'Brien"]


async def test_every_word_must_match(client: Client) -> None:
    await seed(client, CAST)
    assert names(await find(client, q="gina mar")) == []  # `$text` alone finds Gina Omar
    assert names(await find(client, q="omar GINA")) == ["Gina Omar"]
    assert set(names(await find(client, q="dance atlanta"))) == {"Lia Park", "Kate O'Brien"}
    assert names(await find(client, q="dance boston")) == []


async def test_no_prefix_matches(client: Client) -> None:
    await seed(client, CAST)
    for q in ("bal", "dan", "om", "ji"):
        assert names(await find(client, q=q)) == [], q


async def test_stop_words_are_dropped_and_alone_they_are_the_listing(client: Client) -> None:
    await seed(client, CAST)
    assert names(await find(client, q="the ballet of")) == names(await find(client, q="ballet"))
    listing = await find(client, limit=100)
    assert names(await find(client, q="the", limit=100)) == names(listing)
    assert len(listing["items"]) == 5


async def test_a_match_in_the_name_ranks_before_one_in_the_styles(client: Client) -> None:
    await seed(client, CAST)
    assert names(await find(client, q="jazz")) == ["Nina Jazz", "Rita Moss"]


async def test_filters_narrow_the_matches(client: Client) -> None:
    await seed(client, CAST)
    assert names(await find(client, "/v1/dancers", q="jazz")) == ["Rita Moss"]
    assert names(await find(client, q="dance", style="Tap Dancing")) == ["Kate O'Brien"]
    assert set(names(await find(client, q="tap", location="Chicago, IL"))) == {"Nina Jazz"}
    assert names(await find(client, q="jazz", verified="true")) == []


async def test_facets_count_the_matches(client: Client) -> None:
    await seed(client, CAST)
    facets = (await find(client, q="dancing", facets="true"))["facets"]
    assert facets["counted"] == 2 and facets["complete"] is True
    assert {(f["value"], f["count"]) for f in facets["styles"]} == {
        ("modern dance", 1),
        ("tap dancing", 1),
    }
    assert facets["locations"] == [{"value": "atlanta ga", "count": 2}]


@pytest.mark.parametrize("params", [{"q": "dance"}, {"q": "dancing reno"}, {"q": "troupe"}])
async def test_following_the_cursor_yields_every_match_exactly_once(
    client: Client, params: dict[str, Any]
) -> None:
    await seed(client, [*CAST, *TROUPE])
    everything = await find(client, limit=100, **params)
    assert everything["nextCursor"] is None and len(everything["items"]) >= 7
    seen: list[str] = []
    cursor = None
    for _ in range(20):
        page = await find(client, limit=2, **params, **({"cursor": cursor} if cursor else {}))
        seen.extend(item["id"] for item in page["items"])
        cursor = page["nextCursor"]
        if cursor is None:
            break
    assert seen == [item["id"] for item in everything["items"]]


async def test_a_small_budget_pages_through_every_match_once(database: Database) -> None:
    await seed_directly([*CAST, *TROUPE])
    backend = TextBackend(TokensBackend.for_server(sorts_in_memory=False))
    query = SearchQuery(kinds=("dancer", "choreographer"), text="dancing", limit=3)
    full = await backend.search(query, None, SearchStats())
    assert full.next_position is not None and len(full.hits) == 3
    seen: list[str] = []
    position: Position | None = None
    for _ in range(40):
        stats = SearchStats(budget=4)
        page = await backend.search(query, position, stats)
        assert stats.documents_read <= 4 and len(page.hits) <= 3
        seen += [str(hit.document["_id"]) for hit in page.hits]
        position = page.next_position
        if position is None:
            break
    assert len(seen) == len(set(seen)) == 9  # Lia, Kate and the troupe

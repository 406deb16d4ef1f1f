"""A `q` of stop words only is the listing, on any server: the `text` backend hands it to
the `tokens` backend without `q` (a `tokens` search for `the` would be a prefix search)."""

from dataclasses import replace

import pytest

from service.platform.db import Database
from service.search.backend import SearchStats
from service.search.query import SearchFilters, SearchQuery
from service.search.text.backend import TextBackend
from service.search.tokens.backend import TokensBackend
from tests.factories.cast import CAST, Person, dancer, seed_directly

# the settings' backend is not used here: the test builds the text backend itself
pytestmark = pytest.mark.parametrize("backend", ["tokens"], indirect=True)

THEO = Person("theo", "dancer", dancer("Theo Thebes", ["Theatre"], ["Atlanta, GA"]))


@pytest.mark.parametrize(
    "query",
    [
        SearchQuery(kinds=("dancer", "choreographer"), text="the of AND", limit=100),
        SearchQuery(
            kinds=("dancer",),
            text="the",
            filters=SearchFilters(locations=("Atlanta, GA",)),
            facets=True,
            limit=3,
        ),
    ],
)
async def test_a_query_of_stop_words_is_the_listing(database: Database, query: SearchQuery) -> None:
    await seed_directly([*CAST, THEO])
    tokens = TokensBackend.for_server(sorts_in_memory=True)
    stats = SearchStats()
    page = await TextBackend(tokens).search(query, None, stats)
    listing = await tokens.search(replace(query, text=""), None, SearchStats())
    ids = [hit.document["_id"] for hit in page.hits]
    assert ids == [hit.document["_id"] for hit in listing.hits]
    assert len(ids) == (3 if query.filters.locations else 8)  # all listed, Theo among them
    assert page.next_position == listing.next_position
    assert page.facets == listing.facets
    assert not any("$text" in executed.filter for executed in stats.queries)

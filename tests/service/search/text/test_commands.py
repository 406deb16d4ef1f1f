"""What the `text` backend sends, and its positions: the commands as pure values, then as
a PyMongo command listener sees them on the test server (SecantusDB has no `$text`, so
there the aggregate fails, and that failure is a 503, not a 500)."""

from typing import Any

import pytest
from pymongo import AsyncMongoClient, monitoring

from migrations.collections import PROFILE_COLLECTIONS
from service.platform.db import MongoDocument
from service.platform.errors import InvalidInput, Unavailable
from service.search.backend import SearchStats
from service.search.query import SearchFilters, SearchQuery
from service.search.text.backend import TextBackend
from service.search.text.commands import next_position, parse_position, text_match
from service.search.text.pager import Page
from service.search.tokens.backend import TokensBackend

MATCH = {
    "$text": {"$search": "dancing Gina"},
    "listed": True,
    "$and": [
        {"searchTokens": {"$in": ["style:hip hop", "style:jazz"]}},
        {"searchTokens": {"$in": ["location:atlanta ga"]}},
    ],
}


def test_the_match_asks_the_text_index_for_any_word_and_filters_by_tokens() -> None:
    clauses = [("style:hip hop", "style:jazz"), ("location:atlanta ga",)]
    assert text_match("dancing Gina", clauses) == MATCH
    assert text_match("jazz", []) == {"$text": {"$search": "jazz"}, "listed": True}


@pytest.mark.parametrize(
    "position",
    [
        {"m": "strict", "l": 0, "k": "x"},  # a tokens position
        {"m": "text", "s": "high", "k": "x"},
        {"m": "text", "s": 1.5},
        {"m": "text", "s": True, "k": "x"},
        {"m": "text", "s": 1.5, "k": 7},
        {"m": "text", "k": "x"},
        {},
    ],
)
def test_a_position_it_did_not_write_is_a_422(position: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_position(position)
    assert raised.value.status_code == 422
    assert raised.value.extra["errors"][0]["field"] == "cursor"


def test_positions_go_there_and_back() -> None:
    page = Page([], True, (2.5, "key"))
    assert parse_position(next_position(page)) == (2.5, "key")
    assert parse_position(next_position(Page([], True, None))) is None  # from the start
    assert next_position(Page([], False, (2.5, "key"))) is None
    assert parse_position({"m": "text", "s": 3, "k": "k"}) == (3.0, "k")


class Aggregates(monitoring.CommandListener):
    """The aggregate commands a client sent."""

    def __init__(self) -> None:
        self.sent: list[MongoDocument] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name == "aggregate":
            self.sent.append(dict(event.command))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


QUERY = SearchQuery(
    kinds=("dancer", "choreographer"),
    text="The dancing Gina the",
    filters=SearchFilters(styles=("Jazz", "Hip Hop"), locations=("Atlanta, GA",)),
    limit=5,
)


LATER = {"$or": [{"_textScore": {"$lt": 2.5}}, {"_textScore": 2.5, "rankKey": {"$gt": "k1"}}]}


@pytest.mark.parametrize(
    ("position", "after"),
    [(None, []), ({"m": "text", "s": 2.5, "k": "k1"}, [{"$match": LATER}])],
)
async def test_the_aggregate_sent_and_a_server_without_text_search(
    mongodb_url: str, db_name: str, position: dict[str, Any] | None, after: list[MongoDocument]
) -> None:
    listener = Aggregates()
    client: AsyncMongoClient[MongoDocument] = AsyncMongoClient(
        mongodb_url, event_listeners=[listener]
    )
    database = client[db_name]
    backend = TextBackend(
        TokensBackend.for_server(sorts_in_memory=True),
        lambda kind: database[PROFILE_COLLECTIONS[kind]],
    )
    stats = SearchStats(budget=9)  # both kinds need a chunk: a share each, 4 and then 5
    try:
        with pytest.raises(Unavailable) as raised:
            await backend.search(QUERY, position, stats)
    finally:
        await client.close()
    assert raised.value.status_code == 503 and "text index" in raised.value.detail
    [command] = listener.sent  # the first kind's read failed: nothing else was sent
    assert command["aggregate"] == PROFILE_COLLECTIONS["dancer"]
    assert command["pipeline"] == [
        {"$match": MATCH},
        {"$addFields": {"_textScore": {"$meta": "textScore"}}},
        *after,
        {"$sort": {"_textScore": -1, "rankKey": 1}},
        {"$limit": 4},
    ]
    [executed] = stats.queries
    assert (executed.command, executed.limit, executed.filter) == ("aggregate", 4, MATCH)
    assert stats.documents_read == 0

"""Every query a search sends is served by an index: `explain` of each shows IXSCAN on
the index it was designed for, never COLLSCAN."""

from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from documents.embedded import ProfileType
from service.caller import Caller
from service.cursor import CursorCodec
from service.db import Database, MongoDocument
from service.search import search_profiles
from service.search_backend import ExecutedQuery
from service.search_query import SearchFilters, SearchQuery
from service.search_tokens_backend import TokensBackend
from tests.search.data import seed_directly

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
    result = await db.command("explain", command, verbosity="queryPlanner")
    return stages(result["queryPlanner"]["winningPlan"])


async def test_every_query_shape_is_index_backed(database: Database) -> None:
    await seed_directly()
    codec = CursorCodec(b"plans")
    executed: list[ExecutedQuery] = []
    for shape in SHAPES:
        result = await search_profiles(Caller("reader"), shape, codec, TokensBackend())
        executed += result.stats.queries
        if result.next_cursor:  # the next page's queries too
            follow = SearchQuery(**{**shape.__dict__, "cursor": result.next_cursor})
            executed += (
                await search_profiles(Caller("reader"), follow, codec, TokensBackend())
            ).stats.queries
    assert len(executed) > len(SHAPES)
    for query in executed:
        plan = await explain(database.database, query)
        names = {stage["stage"] for stage in plan}
        assert "COLLSCAN" not in names, query
        scans = [stage for stage in plan if stage["stage"] == "IXSCAN"]
        expected = (
            "listed_searchTokens_rankKey" if "searchTokens" in query.filter else "listed_rankKey"
        )
        assert [scan["indexName"] for scan in scans] == [expected], query

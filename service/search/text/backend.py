"""The `text` search backend: MongoDB's `$text` over the weighted text index that
migration 0007 creates, ranked by `textScore`, then `rankKey`.

Its semantics differ from `tokens`: each word of `q` must occur as a whole, stemmed word
(`dancing` finds `dance`, `dan` finds nothing), case and diacritics ignored by the text
index; no typo pass. A search without words (a listing, filters only) is the `tokens`
backend's. Filters are the same token clauses. Needs a server with text indexes; the
service checks for the index at start and otherwise stays on `tokens`.
"""

from pymongo.asynchronous.collection import AsyncCollection

from documents.derived.search_fields import FACET_FIELDS
from documents.vocabulary import PROFILE_TYPES
from service.platform.db import MongoDocument
from service.profiles.kinds import kind_of
from service.search.backend import (
    BackendPage,
    ExecutedQuery,
    FacetCount,
    Facets,
    Hit,
    Position,
    SearchStats,
)
from service.search.query import Clause, SearchQuery, filter_clauses
from service.search.tokens.backend import TokensBackend
from service.search.tokens.facets import FACET_LIMIT, FACET_VALUES

TEXT_INDEX_NAME = "text_search"
SCORE = "_textScore"


def text_match(query_words: list[str], clauses: list[Clause]) -> MongoDocument:
    """The `$match` of a text search: every word (each quoted, so all must occur),
    listed profiles, and the filter clauses."""
    match: MongoDocument = {
        "$text": {"$search": " ".join(f'"{word}"' for word in query_words)},
        "listed": True,
    }
    if clauses:
        match["$and"] = [{"searchTokens": {"$in": list(clause)}} for clause in clauses]
    return match


async def has_text_indexes() -> bool:
    """True when both profile collections have the text index."""
    for profile_type in PROFILE_TYPES:
        collection = kind_of(profile_type).document.get_pymongo_collection()
        names = [info["name"] async for info in await collection.list_indexes()]
        if TEXT_INDEX_NAME not in names:
            return False
    return True


class TextBackend:
    """Search with `$text` (for MongoDB deployments that want stemmed full text)."""

    name = "text"

    def __init__(self, listing: TokensBackend) -> None:
        self._listing = listing

    async def search(
        self, query: SearchQuery, position: Position | None, stats: SearchStats
    ) -> BackendPage:
        query_words = query.words
        if not query_words or query.filters.available is not None:
            # listings, and availability (checked day by day), take the tokens path
            return await self._listing.search(query, position, stats)
        wanted = query.limit + 1
        found: list[tuple[float, str, Hit]] = []
        for profile_type in query.kinds:
            clauses = filter_clauses(profile_type, query.filters)
            if clauses is None:
                continue
            collection = kind_of(profile_type).document.get_pymongo_collection()
            pipeline = self._pipeline(text_match(query_words, clauses), position, wanted)
            stats.queries.append(
                ExecutedQuery(collection.name, pipeline[0]["$match"], {SCORE: -1}, wanted)
            )
            cursor = await collection.aggregate(pipeline)
            documents = await cursor.to_list()
            stats.documents_read += len(documents)
            for document in documents:
                score = float(document.pop(SCORE))
                found.append((score, document["rankKey"], Hit(profile_type, document)))
        found.sort(key=lambda item: (-item[0], item[1]))
        hits = [hit for _, _, hit in found[: query.limit]]
        next_position = None
        if len(found) > query.limit:
            score, key, _ = found[query.limit - 1]
            next_position = {"m": "text", "s": score, "k": key}
        facets = await self._facets(query, stats) if query.facets else None
        return BackendPage(hits, next_position, False, facets)

    @staticmethod
    def _pipeline(
        match: MongoDocument, position: Position | None, wanted: int
    ) -> list[MongoDocument]:
        pipeline: list[MongoDocument] = [
            {"$match": match},
            {"$addFields": {SCORE: {"$meta": "textScore"}}},
        ]
        if position is not None:
            score, key = float(position["s"]), str(position["k"])
            pipeline.append(
                {
                    "$match": {
                        "$or": [{SCORE: {"$lt": score}}, {SCORE: score, "rankKey": {"$gt": key}}]
                    }
                }
            )
        pipeline += [{"$sort": {SCORE: -1, "rankKey": 1}}, {"$limit": wanted}]
        return pipeline

    async def _facets(self, query: SearchQuery, stats: SearchStats) -> Facets:
        counts: dict[str, dict[str, int]] = {name: {} for name in FACET_FIELDS}
        counted = 0
        complete = True
        for profile_type in query.kinds:
            clauses = filter_clauses(profile_type, query.filters)
            if clauses is None or counted >= FACET_LIMIT:
                complete = complete and clauses is None
                continue
            collection: AsyncCollection[MongoDocument] = kind_of(
                profile_type
            ).document.get_pymongo_collection()
            room = FACET_LIMIT - counted
            match = text_match(query.words, clauses)
            stats.queries.append(ExecutedQuery(collection.name, match, None, room + 1))
            cursor = collection.find(match, {"searchTokens": 1}).limit(room + 1)
            documents = await cursor.to_list()
            stats.documents_read += len(documents)
            if len(documents) > room:
                complete = False
                documents = documents[:room]
            counted += len(documents)
            for document in documents:
                for token in document.get("searchTokens") or ():
                    name, sep, value = token.partition(":")
                    if sep and name in counts:
                        counts[name][value] = counts[name].get(value, 0) + 1

        def top(name: str) -> list[FacetCount]:
            ordered = sorted(counts[name].items(), key=lambda item: (-item[1], item[0]))
            return [FacetCount(value, count) for value, count in ordered[:FACET_VALUES]]

        return Facets(top("style"), top("location"), counted, complete)

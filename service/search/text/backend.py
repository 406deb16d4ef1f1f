"""The `text` search backend: MongoDB's `$text` over the weighted text index of migration
0007 (display name 10, company 5, styles 3, locations 2; English), ranked by `textScore`,
then `rankKey`.

Semantics: every word of `q` must match a whole word of the profile, stemmed as mongod's
English text search stems it (`dancing`, `dances` and `danced` all match `dance`; `dan`
matches nothing: no prefixes, no typo pass), case and diacritics ignored. Words are split
and folded as mongod does (`terms`): `k-pop` is two words, `o'brien` one. MongoDB's English
stop words (`the`, `of`, ...) are dropped from `q`, as mongod drops them; a `q` of stop
words only is a listing. Listings (no words left), and searches with the availability
filter (checked day by day), are the `tokens` backend's; filters are its token clauses.

The query: `$text: {$search: "<words, unquoted>"}` (mongod answers with every profile
that holds *any* of the terms, from the text index), `listed: true` and one
`searchTokens: {$in: clause}` per filter clause, sorted by score, then `rankKey`, read in
chunks within the request's read budget (`pager`). Each document read is checked here:
it must hold *every* term of `q` (`terms.holds_every_term`). A page ends after `limit`
matches, when the matches run out, or when the budget is spent (then at the last
document read: fewer items, maybe none, and a position to go on from). Facets count the
first matches with what the page left of the budget.

Needs a server with text indexes: the service checks for the index at start and
otherwise stays on `tokens`; should `$text` fail later (the index dropped), a search is a
503, not a 500.
"""

import logging
from collections.abc import Callable
from dataclasses import replace

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import OperationFailure

from documents.vocabulary import PROFILE_TYPES, ProfileType
from service.platform.db import MongoDocument
from service.platform.errors import Unavailable
from service.profiles.kinds import kind_of
from service.search.backend import BackendPage, ExecutedQuery, Hit, Position, SearchStats
from service.search.facet_counts import FACET_CHUNK
from service.search.query import SearchQuery, filter_clauses
from service.search.text.commands import (
    SCORE,
    next_position,
    parse_position,
    text_match,
    text_pipeline,
)
from service.search.text.facets import count_facets
from service.search.text.pager import Fetch, MergedRead, Rank, Scored, read_page
from service.search.text.terms import INDEXED_FIELDS, QueryTerms, holds_every_term, query_terms
from service.search.tokens.backend import TokensBackend

logger = logging.getLogger("profiles.search")

TEXT_INDEX_NAME = "text_search"
FACET_PROJECTION: MongoDocument = {
    name: 1 for name in ("searchTokens", "rankKey", SCORE, *INDEXED_FIELDS)
}
# what a server says when it cannot run `$text` here: no text index (mongod), or no
# `$text` / `$meta` at all (SecantusDB)
NO_TEXT_SEARCH = frozenset({27, 2, 168})

Collections = Callable[[ProfileType], AsyncCollection[MongoDocument]]


def _bound_collection(profile_type: ProfileType) -> AsyncCollection[MongoDocument]:
    return kind_of(profile_type).document.get_pymongo_collection()


async def has_text_indexes() -> bool:
    """True when both profile collections have the text index."""
    for profile_type in PROFILE_TYPES:
        names = [
            info["name"] async for info in await _bound_collection(profile_type).list_indexes()
        ]
        if TEXT_INDEX_NAME not in names:
            return False
    return True


class TextBackend:
    """Search with `$text`, every word required (for MongoDB deployments that want
    stemmed full text). `collections` gives each kind's collection (the bound ones)."""

    name = "text"

    def __init__(self, listing: TokensBackend, collections: Collections = _bound_collection):
        self._listing = listing
        self._collections = collections

    async def search(
        self, query: SearchQuery, position: Position | None, stats: SearchStats
    ) -> BackendPage:
        terms = query_terms(query.text)
        if not terms.words or query.filters.available is not None:
            # the listing (no `q`, or stop words only), and availability (checked day by
            # day), are the tokens backend's
            listing = replace(query, text="") if not terms.words else query
            return await self._listing.search(listing, position, stats)
        after = parse_position(position)

        def accept(document: Scored) -> bool:
            return holds_every_term(terms, document.document)

        page = await read_page(
            MergedRead(self._fetches(query, terms, stats), after, query.limit + 1, stats),
            query.limit,
            accept,
        )
        hits = [Hit(item.profile_type, item.document) for item in page.items]
        facets = None
        if query.facets:
            fetches = self._fetches(query, terms, stats, FACET_PROJECTION)
            facets = await count_facets(MergedRead(fetches, None, FACET_CHUNK, stats), accept)
        return BackendPage(hits, next_position(page), False, facets)

    def _fetches(
        self,
        query: SearchQuery,
        terms: QueryTerms,
        stats: SearchStats,
        projection: MongoDocument | None = None,
    ) -> list[Fetch]:
        fetches = []
        for profile_type in query.kinds:
            clauses = filter_clauses(profile_type, query.filters)
            if clauses is not None:
                match = text_match(terms.search, clauses)
                fetches.append(self._fetch(profile_type, match, stats, projection))
        return fetches

    def _fetch(
        self,
        profile_type: ProfileType,
        match: MongoDocument,
        stats: SearchStats,
        projection: MongoDocument | None,
    ) -> Fetch:
        collection = self._collections(profile_type)

        async def fetch(after: Rank | None, n: int) -> list[Scored]:
            stats.queries.append(
                ExecutedQuery(
                    collection.name, match, {SCORE: -1, "rankKey": 1}, n, command="aggregate"
                )
            )
            try:
                cursor = await collection.aggregate(text_pipeline(match, after, n, projection))
                documents = await cursor.to_list()
            except OperationFailure as error:
                if error.code not in NO_TEXT_SEARCH:
                    raise
                logger.warning("`$text` failed on %s: %s", collection.name, error)
                raise Unavailable(
                    "text search is not available on this database (the `text` backend"
                    " needs the text indexes of migration 0007); try again later"
                ) from error
            return [
                Scored(float(doc.pop(SCORE)), str(doc["rankKey"]), profile_type, doc)
                for doc in documents
            ]

        return fetch

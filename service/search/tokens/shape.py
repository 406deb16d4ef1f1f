"""The database query of one rank level of one kind: an anchor clause the index serves,
the other clauses and the level's count of whole words pushed into the query as `$expr`.

On the in-order path (mongod) every query has one of two shapes, each read from its index
in `rankKey` order:
- `{listed: true, rankKey: <bounds>}` on `listed_rankKey` (a listing, no clause);
- `{listed: true, searchTokens: <token> | {$in: [...]}, rankKey: <bounds>, $expr: ...}`
  on `listed_searchTokens_rankKey`: the anchor gives the index bounds (an `$in` is a
  merge of one index range per token, in `rankKey` order, a profile once), `$expr` holds
  what the profile must also satisfy. `$expr` is never index bounds, so the anchor the
  service chose is the one mongod walks, whatever its plan cache saw before; the index is
  hinted, as the shape is the same for every search.

Pushing the other clauses into the query means the database returns only profiles of the
level: a page fetches what it returns, and a search whose words never meet in a profile
fetches nothing at all. A server that sorts in memory scans for an `$in`, an `$expr` or a
hint: the windowed reader sends each anchor token on its own and the walk checks the rest
(`LevelQuery.holds`, which the walk applies to whatever a reader returns).
"""

from dataclasses import dataclass

from service.platform.db import MongoDocument
from service.search.query import Clause

TOKENS_INDEX = "listed_searchTokens_rankKey"
LISTING_INDEX = "listed_rankKey"
_TOKENS: MongoDocument = {"$ifNull": ["$searchTokens", []]}


@dataclass(frozen=True)
class ExactCount:
    """A level's rule the database can check: exactly `count` of `marked` (whole words
    of the query) are among the profile's tokens."""

    marked: tuple[str, ...]
    count: int


def _held(tokens: tuple[str, ...]) -> MongoDocument:
    return {"$size": {"$setIntersection": [_TOKENS, list(tokens)]}}


@dataclass(frozen=True)
class LevelQuery:
    """What one kind's profiles must hold in a level: the `anchor` clause the index is
    walked by (None: every listed profile), the `others`, and the whole-word count."""

    anchor: Clause | None
    others: tuple[Clause, ...] = ()
    exact: ExactCount | None = None

    def pushed(self) -> MongoDocument:
        """The whole level as one query (without its `rankKey` bounds): the anchor as
        index bounds, the rest as `$expr`."""
        query: MongoDocument = {"listed": True}
        if self.anchor is not None:
            anchor = self.anchor
            query["searchTokens"] = anchor[0] if len(anchor) == 1 else {"$in": list(anchor)}
        conditions: list[MongoDocument] = [{"$gt": [_held(c), 0]} for c in self.others]
        if self.exact is not None:
            conditions.append({"$eq": [_held(self.exact.marked), self.exact.count]})
        if conditions:
            query["$expr"] = conditions[0] if len(conditions) == 1 else {"$and": conditions}
        return query

    def holds(self, tokens: set[str]) -> bool:
        """Whether a profile with these tokens satisfies the level query."""
        if self.anchor is not None and not tokens.intersection(self.anchor):
            return False
        if not all(tokens.intersection(clause) for clause in self.others):
            return False
        exact = self.exact
        return exact is None or sum(token in tokens for token in exact.marked) == exact.count


def token_query(token: str | None) -> MongoDocument:
    """The postings of one token (None: every listed profile), without bounds."""
    return {"listed": True} if token is None else {"listed": True, "searchTokens": token}


def index_of(query: MongoDocument) -> str:
    """The index a query of these shapes is read from."""
    return TOKENS_INDEX if "searchTokens" in query else LISTING_INDEX


def with_bounds(query: MongoDocument, bounds: MongoDocument) -> MongoDocument:
    """`query` with its `rankKey` bounds, fields in the order of the index."""
    bounded: MongoDocument = {"listed": True}
    if "searchTokens" in query:
        bounded["searchTokens"] = query["searchTokens"]
    bounded["rankKey"] = bounds
    if "$expr" in query:
        bounded["$expr"] = query["$expr"]
    return bounded

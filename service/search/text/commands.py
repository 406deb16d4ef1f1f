"""The commands of the `text` backend, and its positions: pure functions."""

import math

from service.platform.db import MongoDocument
from service.search.backend import Position
from service.search.cursor import invalid_cursor
from service.search.query import Clause
from service.search.text.pager import Page, Rank

SCORE = "_textScore"
MODE = "text"


def text_match(search: str, clauses: list[Clause]) -> MongoDocument:
    """The `$match` of a text search: any of the words (the text index), listed
    profiles, and the filter clauses."""
    match: MongoDocument = {"$text": {"$search": search}, "listed": True}
    if clauses:
        match["$and"] = [{"searchTokens": {"$in": list(clause)}} for clause in clauses]
    return match


def text_pipeline(
    match: MongoDocument, after: Rank | None, n: int, projection: MongoDocument | None = None
) -> list[MongoDocument]:
    """The next `n` matches after `after` in rank order."""
    pipeline: list[MongoDocument] = [
        {"$match": match},
        {"$addFields": {SCORE: {"$meta": "textScore"}}},
    ]
    if after is not None:
        score, key = after
        later = [{SCORE: {"$lt": score}}, {SCORE: score, "rankKey": {"$gt": key}}]
        pipeline.append({"$match": {"$or": later}})
    pipeline += [{"$sort": {SCORE: -1, "rankKey": 1}}, {"$limit": n}]
    if projection is not None:
        pipeline.append({"$project": projection})
    return pipeline


def parse_position(position: Position | None) -> Rank | None:
    """The rank a page starts after (None: the start); `InvalidInput` for anything this
    backend did not write."""
    if position is None:
        return None
    if isinstance(position, dict) and position.get("m") == MODE:
        score, key = position.get("s"), position.get("k")
        if score is None and key is None and len(position) == 1:
            return None
        if (
            isinstance(score, int | float)
            and not isinstance(score, bool)
            and math.isfinite(score)
            and isinstance(key, str)
        ):
            return (float(score), key)
    raise invalid_cursor()


def next_position(page: Page) -> Position | None:
    """The position of the page after `page` (None: there is none)."""
    if not page.more:
        return None
    if page.resume is None:
        return {"m": MODE}
    return {"m": MODE, "s": page.resume[0], "k": page.resume[1]}

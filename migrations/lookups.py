"""Reading documents by a list of values, in query shapes every server answers from an index.

A batch looks documents up by the ids (or user ids, or profile ids) of the documents in
it. Each lookup here is `{field: {$in: values}}` alone, at most `IN_CHUNK` values at a
time, and any further condition is applied after it (a second `$match` stage, or here):
mongod answers these from the field's index in any case, and the embedded server does
too only for an `$in` on its own (an `$in` beside other fields is a collection scan
there), and re-checks each candidate against every value of the list, a cost that grows
with the square of the list's length.
"""

from collections.abc import AsyncIterator, Sequence
from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

Document = dict[str, Any]

IN_CHUNK = 50


def _chunks(values: Sequence[Any]) -> list[list[Any]]:
    return [list(values[start : start + IN_CHUNK]) for start in range(0, len(values), IN_CHUNK)]


async def find_in(
    db: AsyncDatabase[Document],
    collection: str,
    field: str,
    values: Sequence[Any],
    *,
    projection: Document | None = None,
    session: AsyncClientSession | None = None,
) -> AsyncIterator[Document]:
    """The documents of `collection` whose `field` is one of `values`."""
    for chunk in _chunks(values):
        cursor = db[collection].find({field: {"$in": chunk}}, projection, session=session)
        async for document in cursor:
            yield document


async def find_by_ids(
    db: AsyncDatabase[Document],
    collection: str,
    ids: Sequence[Any],
    query: Document,
    *,
    projection: Document | None = None,
    session: AsyncClientSession | None = None,
) -> list[Document]:
    """The documents of `collection` with one of `ids` that match `query` now, in the
    order of `ids`."""
    found: list[Document] = []
    for chunk in _chunks(ids):
        pipeline: list[Document] = [{"$match": {"_id": {"$in": chunk}}}]
        if query:
            pipeline.append({"$match": query})
        if projection:
            pipeline.append({"$project": projection})
        cursor = await db[collection].aggregate(pipeline, session=session)
        found.extend(await cursor.to_list())
    position = {_hashable(key): index for index, key in enumerate(ids)}
    found.sort(key=lambda document: position[_hashable(document["_id"])])
    return found


def _hashable(value: Any) -> Any:
    """`value`, or its repr when it cannot be a dict key (an `_id` may be a document)."""
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value

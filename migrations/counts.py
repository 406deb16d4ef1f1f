"""Counting related records per owner, for the scripts that score profiles."""

from collections import Counter
from collections.abc import Hashable
from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from migrations import collections as names
from migrations.lookups import find_in

Document = dict[str, Any]


async def counts_by(
    db: AsyncDatabase[Document],
    collection: str,
    field: str,
    values: list[Any],
    session: AsyncClientSession | None,
) -> Counter[Any]:
    """How many documents of `collection` hold each of `values` in `field`: lookups on the
    field's index (`migrations.lookups.find_in`) projecting the field alone (covered on
    mongod), counted here. A `$match` + `$group` pipeline gives the same numbers, but not
    every server answers its `$match` from the index (the embedded one scans the
    collection per batch)."""
    found: Counter[Any] = Counter()
    wanted = set(values)
    projection = {field: 1, "_id": 0}
    async for row in find_in(db, collection, field, values, projection=projection, session=session):
        value = row.get(field)
        # `$in` also matches a list holding one of the values: such a reference is not
        # one (never guessed), and is not counted
        if isinstance(value, Hashable) and value in wanted:
            found[value] += 1
    return found


async def record_counts(
    db: AsyncDatabase[Document],
    field: str,
    values: list[Any],
    session: AsyncClientSession | None,
) -> dict[Any, tuple[int, int]]:
    """For each of `values`: how many projects and how many training records hold it in
    `field` (`userId` or `profileId`), what completeness counts."""
    projects = await counts_by(db, names.PROJECTS, field, values, session)
    training = await counts_by(db, names.TRAINING, field, values, session)
    return {value: (projects[value], training[value]) for value in values}

"""A test's database (`tests.migrated_template`) is what `migrate up` makes on an empty
one: the same collections with the same options, indexes and documents (but for when
each script ran and how long it took, and when and in which session the lock was last
held)."""

import uuid

from pymongo import AsyncMongoClient

from migrations.runner import Runner, RunOptions
from service.platform.db import Database, MongoDocument
from tests.migrated_template import Template, read_template

RUN = frozenset(
    {"startedAt", "appliedAt", "durationMs", "acquiredAt", "heartbeatAt", "expiresAt", "lsid"}
)
"""Fields that say when something ran, and in which session: they differ from one run to
the next."""


def _comparable(template: Template) -> object:
    """A template as plain data: indexes by their documents, documents without `RUN`."""
    return (
        template.options,
        {
            collection: sorted((index.document for index in indexes), key=lambda d: d["name"])
            for collection, indexes in template.indexes.items()
        },
        {
            collection: [{k: v for k, v in d.items() if k not in RUN} for d in documents]
            for collection, documents in template.documents.items()
        },
    )


async def test_a_test_database_is_what_migrate_up_makes(
    database: Database, raw_client: AsyncMongoClient[MongoDocument]
) -> None:
    migrated = raw_client[f"test_{uuid.uuid4().hex[:12]}"]
    try:
        await Runner(migrated).up(RunOptions(say=lambda line: None))
        made = await read_template(migrated)
        copied = await read_template(database.database)
    finally:
        await raw_client.drop_database(migrated.name)

    assert len(made.options) > 5
    assert sum(len(indexes) for indexes in made.indexes.values()) > 10
    assert len(made.documents["migration_state"]) > 10
    assert _comparable(copied) == _comparable(made)

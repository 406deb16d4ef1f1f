"""A test's migrated database, made by copying what `migrate up` makes on an empty one.

Every test that uses the `database` fixture starts from an empty, fully migrated
database. Running the migrations for each of them costs about 120 commands; the
migrations are run once per test process instead, on a template database, and each
test's database gets its collections (with their options), indexes and documents (the
migration state) copied from it: some 20 commands. `tests/test_migrated_template.py`
checks that a copy is what `migrate up` makes.
"""

from dataclasses import dataclass
from typing import Any

from pymongo import AsyncMongoClient, IndexModel
from pymongo.asynchronous.database import AsyncDatabase

from migrations.runner import Runner, RunOptions
from service.platform.db import MongoDocument

INDEX_SPEC_SKIP = ("v", "key", "ns")
"""What `listIndexes` reports of an index that is not an option of `createIndexes`."""


@dataclass(frozen=True)
class Template:
    """What `migrate up` leaves in an empty database, collection by collection: its
    options, its indexes (`_id` aside) and its documents."""

    options: dict[str, dict[str, Any]]
    indexes: dict[str, list[IndexModel]]
    documents: dict[str, list[MongoDocument]]


_templates: dict[str, Template] = {}
"""By server URL: made once per test process."""


async def read_template(database: AsyncDatabase[MongoDocument]) -> Template:
    """The collections, indexes and documents of `database`."""
    options: dict[str, dict[str, Any]] = {}
    indexes: dict[str, list[IndexModel]] = {}
    documents: dict[str, list[MongoDocument]] = {}
    async for collection in await database.list_collections():
        name = collection["name"]
        options[name] = dict(collection.get("options") or {})
        indexes[name] = [
            IndexModel(
                list(index["key"].items()),
                **{key: value for key, value in index.items() if key not in INDEX_SPEC_SKIP},
            )
            async for index in await database[name].list_indexes()
            if index["name"] != "_id_"
        ]
        documents[name] = await database[name].find({}).sort("_id", 1).to_list()
    return Template(options, indexes, documents)


async def template_for(client: AsyncMongoClient[MongoDocument], url: str) -> Template:
    """The template of the server at `url`: `migrate up` on an empty database, read,
    then dropped (once per process and server)."""
    if url not in _templates:
        name = "test_migrated_template"
        await client.drop_database(name)
        await Runner(client[name]).up(RunOptions(say=lambda line: None))
        _templates[url] = await read_template(client[name])
        await client.drop_database(name)
    return _templates[url]


async def copy_template(template: Template, database: AsyncDatabase[MongoDocument]) -> None:
    """Make `database` (empty) hold what the template holds."""
    for name, options in template.options.items():
        await database.create_collection(name, **options)
        if template.indexes[name]:
            await database[name].create_indexes(template.indexes[name])
        if template.documents[name]:
            await database[name].insert_many(
                [dict(document) for document in template.documents[name]]
            )

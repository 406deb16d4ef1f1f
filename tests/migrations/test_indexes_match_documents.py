"""The indexes the migrations create are the ones the documents declare."""

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from documents import ALL_DOCUMENTS
from migrations.runner import Runner, RunOptions
from service.platform.db import MongoDocument


def _shape(spec: Any) -> tuple[tuple[tuple[str, Any], ...], bool]:
    return tuple((key, value) for key, value in spec["key"].items()), bool(spec.get("unique"))


async def test_every_declared_index_exists_after_up(
    legacy_db: AsyncDatabase[MongoDocument],
) -> None:
    await Runner(legacy_db).up(RunOptions(say=lambda line: None))
    for document in ALL_DOCUMENTS:
        collection = document.Settings.name
        declared = {
            model.document["name"]: _shape(model.document) for model in document.Settings.indexes
        }
        existing = {
            info["name"]: _shape(info) async for info in await legacy_db[collection].list_indexes()
        }
        for name, shape in declared.items():
            assert existing.get(name) == shape, (collection, name)

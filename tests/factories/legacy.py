"""Loading the legacy sample into a test database, as it sat before the migration."""

from typing import Any

from bson import ObjectId, json_util
from pymongo.asynchronous.database import AsyncDatabase

from tests.fixtures import LEGACY_SMALL

Document = dict[str, Any]
COLLECTIONS = ("users", "projects", "training")


def read_sample(name: str) -> list[Document]:
    """Every document of one file of the sample."""
    path = LEGACY_SMALL / f"{name}.jsonl"
    return [json_util.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


async def load_legacy(db: AsyncDatabase[Document], copies: int = 1) -> dict[str, list[Document]]:
    """Insert the sample `copies` times (fresh ids, same shapes); return what was inserted."""
    inserted: dict[str, list[Document]] = {name: [] for name in COLLECTIONS}
    samples = {name: read_sample(name) for name in COLLECTIONS}
    for copy in range(copies):
        user_ids: dict[ObjectId, ObjectId] = {}
        for user in samples["users"]:
            clone = dict(user)
            if copy:
                user_ids[user["_id"]] = clone["_id"] = ObjectId()
                clone["authId"] = f"{user['authId']}-{copy}"
            inserted["users"].append(clone)
        for name in ("projects", "training"):
            for record in samples[name]:
                clone = dict(record)
                if copy:
                    clone["_id"] = ObjectId()
                    clone["userId"] = user_ids.get(record["userId"], record["userId"])
                inserted[name].append(clone)
    for name, documents in inserted.items():
        if documents:
            await db[name].insert_many(documents)
    return inserted


async def snapshot(db: AsyncDatabase[Document], name: str) -> dict[Any, Document]:
    """Every document of a collection by `_id`."""
    return {doc["_id"]: doc async for doc in db[name].find({})}

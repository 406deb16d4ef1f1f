"""Replaying every migration on the legacy sample, and the documents it leaves, in a form
that can be compared across runs (generated ids and run times named, not spelled).

`snapshots/replay_legacy_small.jsonl` holds what the scripts left when their rules were
frozen; `test_replay.py` replays them and compares. To write it anew (only when a
script's effect is meant to change, which a new script or the recompute step does, never
an edit of an applied one): `.venv/bin/python -m tests.migrations.replay`.
"""

import asyncio
import hashlib
import sys
from pathlib import Path
from typing import Any

from bson import ObjectId, json_util
from bson.json_util import CANONICAL_JSON_OPTIONS
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from documents.derived.rules import RULES_DIGEST
from migrations.runner import Runner, RunOptions
from tests.factories.legacy import load_legacy

Document = dict[str, Any]

SNAPSHOT = Path(__file__).resolve().parent / "snapshots" / "replay_legacy_small.jsonl"
PROFILE_COLLECTIONS = {"dancers": "dancer", "choreographers": "choreographer"}
COLLECTIONS = (
    "users",
    "dancers",
    "choreographers",
    "projects",
    "training",
    "migration_issues",
    "legacy_user_backup",
    "feature_flags",
)
RUN_TIMES = frozenset({"recordedAt", "backedUpAt"})
"""Dates a script writes from the clock of its run."""
KEPT_FIELDS = {
    "users": ("_id", "activeProfileType", "activeDancerId", "activeChoreographerId"),
    "projects": ("_id", "profileId", "profileIdBackfilled"),
    "training": ("_id", "profileId", "profileIdBackfilled"),
}
"""Of documents the sample brought, the fields a migration may set (the others are the
sample's, which `test_migrate_legacy_sample` compares); a user's key names are kept too
(the destructive step removes some)."""


async def replay(db: AsyncDatabase[Document]) -> None:
    """Load the legacy sample into `db` and apply every migration, the destructive one
    too (last, as an operator would after verify)."""
    await load_legacy(db)
    runner = Runner(db)
    await runner.up(RunOptions(batch_size=64, say=lambda line: None))
    await runner.up(RunOptions(batch_size=64, allow_destructive=True, say=lambda line: None))


def _spread(profile_id: ObjectId) -> str:
    return hashlib.blake2b(profile_id.binary, digest_size=4).hexdigest()


def _named(value: Any, labels: dict[ObjectId, str]) -> Any:
    if isinstance(value, ObjectId) and value in labels:
        return f"<{labels[value]}>"
    if isinstance(value, dict):
        return {key: _named(item, labels) for key, item in value.items()}
    if isinstance(value, list):
        return [_named(item, labels) for item in value]
    return value


def _tokens(tokens: Any) -> Any:
    """`searchTokens` without the plain prefixes of its marked words (`=word`), which are
    said to be there (`"prefixes": "of every word"`) or listed when they are not exactly
    those."""
    if not isinstance(tokens, list):
        return tokens
    words = [token[1:] for token in tokens if isinstance(token, str) and token.startswith("=")]
    prefixes = {word[:end] for word in words for end in range(1, len(word) + 1)}
    plain = {
        token
        for token in tokens
        if isinstance(token, str) and token[:1] not in ("=", "~") and ":" not in token
    }
    rest = [token for token in tokens if token not in plain]
    return {"tokens": rest, "prefixes": "of every word" if plain == prefixes else sorted(plain)}


def _normalised(collection: str, document: Document, labels: dict[ObjectId, str]) -> Document:
    document = dict(document)
    if collection in KEPT_FIELDS:
        kept = {name: document[name] for name in KEPT_FIELDS[collection] if name in document}
        document = {**kept, "keys": sorted(document)} if collection == "users" else kept
    for name in RUN_TIMES & set(document):
        document[name] = "<time of the run>"
    if collection == "migration_issues":
        del document["_id"]
    if collection == "feature_flags" and "updatedAt" in document:
        document["updatedAt"] = "<time of the run>"
    if collection == "legacy_user_backup":
        fields = json_util.dumps(document["fields"], json_options=CANONICAL_JSON_OPTIONS)
        document["fields"] = {
            "keys": sorted(document["fields"]),
            "sha256": hashlib.sha256(fields.encode()).hexdigest(),
        }
    if collection in PROFILE_COLLECTIONS:
        profile_id = document["_id"]
        key = document.get("rankKey")
        if isinstance(key, str) and key[3:] == f"{_spread(profile_id)}{profile_id}":
            document["rankKey"] = f"{key[:3]}<spread><id>"
        document["searchTokens"] = _tokens(document.get("searchTokens"))
        if document.get("derivedWith") == RULES_DIGEST:
            document["derivedWith"] = "<this release's rules>"
    named: Document = _named(document, labels)
    return named


async def replayed_documents(db: AsyncDatabase[Document]) -> list[str]:
    """Every document the replay left, one canonical Extended JSON line each (keys
    sorted), sorted; profile ids as `<dancer of USER_ID>`, run times as a marker."""
    labels: dict[ObjectId, str] = {}
    for collection, kind in PROFILE_COLLECTIONS.items():
        async for profile in db[collection].find({}, {"userId": 1}):
            labels[profile["_id"]] = f"{kind} of {profile['userId']}"
    lines = []
    for collection in COLLECTIONS:
        async for document in db[collection].find({}):
            normalised = _normalised(collection, document, labels)
            body = json_util.dumps(normalised, json_options=CANONICAL_JSON_OPTIONS, sort_keys=True)
            lines.append(f'{{"collection": "{collection}", "document": {body}}}')
    return sorted(lines)


def read_snapshot() -> list[str]:
    """The committed lines."""
    return SNAPSHOT.read_text(encoding="utf-8").splitlines()


async def _write(url: str) -> int:
    client: AsyncMongoClient[Document] = AsyncMongoClient(url, tz_aware=True)
    name = f"replay_{ObjectId()}"
    try:
        await replay(client[name])
        lines = await replayed_documents(client[name])
    finally:
        await client.drop_database(name)
        await client.close()
    SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
    SNAPSHOT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} documents written to {SNAPSHOT}")
    return 0


def main() -> int:
    """Write the snapshot from a replay on an embedded server (in memory)."""
    from service.platform.embedded import EmbeddedDatabase

    with EmbeddedDatabase(":memory:") as server:
        return asyncio.run(_write(server.url))


if __name__ == "__main__":
    sys.exit(main())

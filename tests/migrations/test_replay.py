"""Replaying 0001-0010 on the legacy sample leaves exactly the documents it left when the
scripts' rules were frozen (`replay.py`): an applied script keeps its meaning whatever
today's service code does."""

import difflib

from pymongo.asynchronous.database import AsyncDatabase

from service.platform.db import MongoDocument
from tests.migrations.replay import read_snapshot, replay, replayed_documents


async def test_a_replay_leaves_the_documents_of_the_snapshot(
    legacy_db: AsyncDatabase[MongoDocument],
) -> None:
    await replay(legacy_db)
    found = await replayed_documents(legacy_db)
    expected = read_snapshot()
    assert len(expected) > 600  # users, both kinds of profile, records, issues, backups
    if found != expected:
        diff = "\n".join(list(difflib.unified_diff(expected, found, lineterm="", n=0))[:40])
        raise AssertionError(f"the replay differs from the snapshot:\n{diff}")

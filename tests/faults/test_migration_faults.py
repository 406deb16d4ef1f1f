"""Faults injected under migration batches: the run either rides over them (PyMongo's
transaction retries) or stops with a clear `MigrationError`; a re-run completes it, and
verify finds zero mismatches with nothing lost or duplicated."""

import dataclasses
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from migrations.errors import MigrationError
from migrations.runner import Runner, RunOptions
from migrations.verify import find_mismatches
from service.platform.db import MongoDocument
from tests.factories.legacy import load_legacy
from tests.faults.conftest import Faults

BATCH_FAULTS: list[tuple[list[str], dict[str, Any], int]] = [
    (["update", "insert"], {"closeConnection": True}, 3),
    (["update", "insert"], {"errorCode": 112}, 4),  # WriteConflict
    (["update", "insert"], {"errorCode": 50}, 3),  # MaxTimeMSExpired
    (["update"], {"errorCode": 6}, 3),  # HostUnreachable
    (["commitTransaction"], {"closeConnection": True}, 3),
    (["update", "insert"], {"errorCode": 91}, 1),  # ShutdownInProgress
]


def _id(fault: tuple[list[str], dict[str, Any], int]) -> str:
    commands, data, times = fault
    return f"{'+'.join(commands)}:{','.join(f'{k}={v}' for k, v in data.items())}x{times}"


@pytest.mark.parametrize("fault", BATCH_FAULTS, ids=_id)
async def test_a_migration_under_faults_completes_with_zero_mismatches(
    legacy_db: AsyncDatabase[MongoDocument],
    faults: Faults,
    fault: tuple[list[str], dict[str, Any], int],
) -> None:
    commands, data, times = fault
    await load_legacy(legacy_db)
    users_before = await legacy_db.users.count_documents({})
    # a short lock TTL, and a re-run that waits, as an operator would (`--wait`), in case
    # the stopped run could not even free its lock
    options = dataclasses.replace(
        RunOptions(say=lambda line: None, batch_size=50), lock_ttl=2.0, wait_seconds=10.0
    )
    runner = Runner(legacy_db)
    stopped = 0  # runs that stopped with a clean MigrationError
    async with faults.failing(commands, times, **data):
        try:
            await runner.up(options)
        except MigrationError:
            stopped += 1  # a clean stop; the lock is released, so a re-run goes on
    if stopped or await runner.pending():
        await runner.up(options)
    assert await runner.pending() == []
    assert [m.describe() for m in await find_mismatches(legacy_db)] == []
    assert await legacy_db.users.count_documents({}) == users_before
    assert await legacy_db.dancers.count_documents({}) == 228
    assert await legacy_db.choreographers.count_documents({}) == 34
    for name in ("dancers", "choreographers"):
        cursor = await legacy_db[name].aggregate(
            [{"$group": {"_id": "$userId", "n": {"$sum": 1}}}, {"$match": {"n": {"$gt": 1}}}]
        )
        duplicates = await cursor.to_list()
        assert duplicates == []

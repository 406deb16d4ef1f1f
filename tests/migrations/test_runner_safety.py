"""The runner's safety: lock, fencing, kill -9 and resume, dry run, checksums, destructive."""

import asyncio
import dataclasses
import os
import sys
from asyncio.subprocess import PIPE
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from pymongo import AsyncMongoClient, UpdateOne
from pymongo.asynchronous.database import AsyncDatabase

from migrations.context import Batch, MigrationContext
from migrations.errors import LockHeldError, LockLostError, MigrationError
from migrations.frozen.backfill_0002 import backfill_profiles
from migrations.lock import MigrationLock
from migrations.runner import Runner, RunOptions
from migrations.scripts import EARLIER_CHECKSUMS
from migrations.verify import find_mismatches
from service.platform.db import MongoDocument, create_client
from service.platform.embedded import EmbeddedDatabase
from tests.factories.legacy import load_legacy, snapshot

Db = AsyncDatabase[MongoDocument]


def options(**overrides: Any) -> RunOptions:
    return dataclasses.replace(RunOptions(say=lambda line: None, batch_size=50), **overrides)


async def everything(db: Db) -> dict[str, object]:
    return {name: await snapshot(db, name) for name in sorted(await db.list_collection_names())}


async def test_dry_run_writes_nothing_and_takes_no_lock(legacy_db: Db) -> None:
    await load_legacy(legacy_db)
    before = await everything(legacy_db)
    summaries = await Runner(legacy_db).up(options(dry_run=True))
    by_version = {s["version"]: s["stats"] for s in summaries}
    assert by_version[2]["profiles created"] == 228
    assert by_version[3]["profiles created"] == 34
    assert by_version[2]["issues"] > 0
    assert await everything(legacy_db) == before
    assert "migration_lock" not in await legacy_db.list_collection_names()


async def test_a_held_lock_stops_a_second_runner_and_wait_waits(legacy_db: Db) -> None:
    await load_legacy(legacy_db)
    holder = MigrationLock(legacy_db, owner="first", ttl=30)
    await holder.acquire()
    with pytest.raises(LockHeldError, match="held by first"):
        await Runner(legacy_db).up(options())
    assert await legacy_db.dancers.count_documents({}) == 0

    async def release_soon() -> None:
        await asyncio.sleep(0.5)
        await holder.release()

    releaser = asyncio.create_task(release_soon())
    summaries = await Runner(legacy_db).up(options(wait_seconds=10))
    await releaser
    assert [s["version"] for s in summaries] == [1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13]  # not 5


async def test_an_expired_lock_is_taken_over_and_its_stalled_holder_cannot_write(
    legacy_db: Db,
) -> None:
    await load_legacy(legacy_db)
    await Runner(legacy_db).up(options(to=1))
    stalled = MigrationLock(legacy_db, owner="stalled", ttl=0.4)
    first_token = await stalled.acquire()
    assert stalled._heartbeat is not None
    stalled._heartbeat.cancel()  # the process stalls: no more heartbeats
    await asyncio.sleep(0.6)
    successor = MigrationLock(legacy_db, owner="successor", ttl=30)
    assert await successor.acquire() > first_token

    ctx = MigrationContext(legacy_db, version=2, lock=stalled, transactions=True, batch_size=20)
    with pytest.raises(LockLostError):
        await backfill_profiles(ctx, "dancer")
    assert await legacy_db.dancers.count_documents({}) == 0
    await successor.release()


async def test_a_changed_applied_script_blocks_up_and_shows_in_status(legacy_db: Db) -> None:
    runner = Runner(legacy_db)
    await runner.up(options(to=2))
    changed = [
        dataclasses.replace(script, checksum="0" * 64) if script.version == 2 else script
        for script in runner.scripts
    ]
    edited = Runner(legacy_db, changed)
    status = {line.script.version: line for line in await edited.status()}
    assert status[2].checksum_ok is False and "CHECKSUM" in status[2].detail
    assert status[3].state == "blocked"
    with pytest.raises(MigrationError, match="changed since it was applied"):
        await edited.up(options())
    assert await legacy_db.migration_state.count_documents({"_id": 3}) == 0


async def test_scripts_applied_in_an_earlier_form_that_did_the_same_are_not_changed(
    legacy_db: Db,
) -> None:
    runner = Runner(legacy_db)
    await runner.up(options(to=8))
    current = {script.version: script.checksum for script in runner.scripts}
    for version, earlier_forms in EARLIER_CHECKSUMS.items():
        if version == 5:  # destructive: not applied by `up` without the flag
            continue
        for earlier in earlier_forms:
            assert earlier != current[version]
            await legacy_db.migration_state.update_one(
                {"_id": version}, {"$set": {"checksum": earlier}}
            )
            status = {line.script.version: line for line in await runner.status()}
            assert status[version].checksum_ok is True, (version, earlier)
            assert status[9].state == "pending"
    await runner.up(options())
    applied = {
        state["_id"] async for state in legacy_db.migration_state.find({"status": "applied"})
    }
    assert {2, 3, 6, 8, 9, 10} <= applied


async def test_changed_rules_are_a_warning_in_status_not_a_stop(legacy_db: Db) -> None:
    runner = Runner(legacy_db)
    await runner.up(options(to=6))
    recorded = await legacy_db.migration_state.find_one({"_id": 6})
    assert recorded is not None
    assert recorded["rulesDigest"] == next(s for s in runner.scripts if s.version == 6).rules
    await legacy_db.migration_state.update_one({"_id": 6}, {"$set": {"rulesDigest": "0" * 64}})
    status = {line.script.version: line for line in await runner.status()}
    assert status[6].rules_ok is False and "rules changed since applied" in status[6].detail
    assert status[6].checksum_ok is True and status[7].state == "pending"
    assert all(line.rules_ok for version, line in status.items() if version != 6)
    await runner.up(options())
    assert await runner.pending() == []


async def test_up_records_the_rules_of_scripts_applied_before_digests(legacy_db: Db) -> None:
    runner = Runner(legacy_db)
    await runner.up(options(to=4))
    await legacy_db.migration_state.update_many({}, {"$unset": {"rulesDigest": ""}})
    status = {line.script.version: line for line in await runner.status()}
    assert all(line.rules_ok for line in status.values())  # nothing to compare with yet
    await runner.up(options(to=4))  # nothing to apply: the digests are still recorded
    states = {state["_id"]: state async for state in legacy_db.migration_state.find({})}
    expected = {script.version: script.rules for script in runner.scripts if script.version <= 4}
    assert {version: states[version]["rulesDigest"] for version in expected} == expected


async def test_the_destructive_step_refuses_while_verify_fails_and_down_restores(
    legacy_db: Db,
) -> None:
    await load_legacy(legacy_db)
    runner = Runner(legacy_db)
    await runner.up(options())
    assert await runner.up(options()) == []  # destructive stays pending without the flag
    user = await legacy_db.users.find_one({"profileType": "dancer"})
    assert user is not None
    await legacy_db.users.update_one(
        {"_id": user["_id"]}, {"$set": {"bio": "written by an old release"}}
    )
    assert len(await find_mismatches(legacy_db)) == 1
    before = await snapshot(legacy_db, "users")
    with pytest.raises(MigrationError, match="1 mismatches"):
        await runner.up(options(allow_destructive=True))
    assert await snapshot(legacy_db, "users") == before

    await legacy_db.dancers.update_one(
        {"userId": user["_id"]}, {"$set": {"bio": "written by an old release"}}
    )
    assert await find_mismatches(legacy_db) == []
    await runner.up(options(allow_destructive=True))
    stripped = await legacy_db.users.find_one({"_id": user["_id"]})
    assert stripped is not None and "bio" not in stripped and "headshots" not in stripped
    assert stripped["authId"] == user["authId"] and "_creationTime" in stripped
    assert await legacy_db.legacy_user_backup.count_documents({}) == 262

    await runner.down(options(to=4))
    assert await snapshot(legacy_db, "users") == before
    assert await legacy_db.legacy_user_backup.count_documents({}) == 0


async def test_down_refuses_to_lose_changes_made_through_the_service(legacy_db: Db) -> None:
    await load_legacy(legacy_db)
    runner = Runner(legacy_db)
    await runner.up(options())
    await legacy_db.choreographers.update_one({}, {"$set": {"bio": "new"}, "$inc": {"version": 1}})
    with pytest.raises(MigrationError, match="changed through the service"):
        await runner.down(options(to=0))
    assert await legacy_db.choreographers.count_documents({}) == 34
    await runner.down(options(to=0, force=True))
    assert await legacy_db.choreographers.count_documents({}) == 0


@pytest.fixture
async def standalone_db(tmp_path: Path) -> AsyncIterator[tuple[str, Db]]:
    """A server of this test's own, advertised as standalone (no transactions)."""
    with EmbeddedDatabase(":memory:", standalone=True, log_path=tmp_path / "db.log") as server:
        client: AsyncMongoClient[MongoDocument] = create_client(server.url, 5000)
        try:
            yield server.url, client["killed"]
        finally:
            await client.close()


async def test_a_server_without_transactions_is_refused_in_one_line_but_can_be_looked_at(
    standalone_db: tuple[str, Db],
) -> None:
    """Every batch commits its writes and its checkpoint in one transaction, and every
    write of the service is one: on a standalone server `migrate up` and `serve` refuse
    at once, in one line, having written nothing; `status`, `verify` and `up --dry-run`
    (read-only) work."""
    url, db = standalone_db
    await load_legacy(db)
    before = await everything(db)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PROFILES_")},
        "PROFILES_MONGODB_URL": url,
        "PROFILES_DB_NAME": "killed",
        "PROFILES_JWT_SECRET": "not-used-here-but-long-enough-0123456789",
    }

    async def profiles(*args: str) -> tuple[int, str, str]:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "service.cli.main", *args, env=env, stdout=PIPE, stderr=PIPE
        )
        out, err = await asyncio.wait_for(process.communicate(), timeout=120)
        assert process.returncode is not None
        return process.returncode, out.decode(), err.decode()

    for command in (["migrate", "up"], ["migrate", "down"], ["serve"]):
        code, _, errors = await profiles(*command)
        assert code == 1, (command, errors)
        assert "runs no transactions" in errors and "replica set" in errors, errors
        assert len(errors.strip().splitlines()) == 1, errors
    for command, expected in ((["migrate", "status"], 3), (["migrate", "up", "--dry-run"], 0)):
        code, _, errors = await profiles(*command)
        assert code == expected, (command, errors)  # status: 3, migrations pending
    assert await everything(db) == before


async def test_the_last_batch_marks_the_script_applied_in_its_transaction(legacy_db: Db) -> None:
    await load_legacy(legacy_db)
    await Runner(legacy_db).up(options(to=1))
    ctx = MigrationContext(legacy_db, version=2, lock=None, transactions=True, batch_size=100)
    await backfill_profiles(ctx, "dancer")  # the script alone, without the runner's bookkeeping
    state = await legacy_db.migration_state.find_one({"_id": 2})
    assert state is not None and state["status"] == "applied" and state["appliedAt"]
    assert state["stats"]["profiles created"] == 228


async def test_batches_see_documents_as_they_are_when_their_batch_runs(legacy_db: Db) -> None:
    """Ids are read once, documents per batch: a document changed after the ids were read
    is handled as it is now (or skipped when it no longer matches), and one inserted
    after the last id is handled too, before the script is marked applied."""
    await legacy_db.items.insert_many([{"n": n, "todo": True} for n in range(10)])
    ctx = MigrationContext(legacy_db, version=99, lock=None, transactions=True, batch_size=4)
    seen: list[list[int]] = []

    async def handle(docs: list[dict[str, Any]], batch: Batch) -> None:
        seen.append([doc["n"] for doc in docs])
        for doc in docs:
            batch.write("items", UpdateOne({"_id": doc["_id"]}, {"$set": {"todo": False}}), "done")
        if len(seen) == 1:  # while the first batch runs: change later ones, add one at the end
            await legacy_db.items.update_one({"n": 5}, {"$set": {"todo": False}})
            await legacy_db.items.update_one({"n": 6}, {"$set": {"n": 60}})
            await legacy_db.items.insert_one({"n": 10, "todo": True})

    await ctx.batches("items", "items", {"todo": True}, handle, final=True)

    assert [n for batch in seen for n in batch] == [0, 1, 2, 3, 4, 60, 7, 8, 9, 10]
    assert seen[:2] == [[0, 1, 2, 3], [4, 60, 7]]  # 5 no longer matched, 6 is now 60
    assert await legacy_db.items.count_documents({"todo": True}) == 0
    state = await legacy_db.migration_state.find_one({"_id": 99})
    assert state is not None and state["status"] == "applied"
    assert ctx.stats["done"] == 10

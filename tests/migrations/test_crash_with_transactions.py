"""`profiles migrate up` killed with SIGKILL on a server with transactions (the deploy
pipeline's case), at several points of a batched run, then run again.

The dead runner may leave a batch's transaction open, and that transaction has written
the lock document (its fence). The next runner must not wait for the server to reap it:
it ends the dead holder's session first, then takes the lock once it has expired. The
times asserted are that behaviour (a short lock TTL, and a stated margin), not speed.

The server is one of this module's own (a stuck server must not hurt other tests); each
test has its own database on it.
"""

import asyncio
import os
import signal
import sys
import time
import uuid
from asyncio.subprocess import DEVNULL, PIPE
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from migrations.runner import Runner, RunOptions
from service.platform.db import MongoDocument, create_client
from service.platform.embedded import EmbeddedDatabase
from tests.factories.legacy import load_legacy
from tests.migrations.oracle import assert_migrated_whole

Db = AsyncDatabase[MongoDocument]
TTL_SECONDS = 3.0
TAKEOVER_MARGIN_S = 3.0
"""After a kill, the next runner takes the lock within the TTL plus this (it polls for
the lock every 0.3 s here; the rest is a loaded machine's scheduling)."""
UP = ["-m", "service.cli.main", "migrate", "up", "--batch-size", "25", "--wait", "60"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A SecantusDB of this module's own, as a replica set (transactions on)."""
    log = tmp_path_factory.mktemp("crash") / "db.log"
    with EmbeddedDatabase(":memory:", log_path=log) as database:
        yield database.url


@pytest.fixture
async def crash_db(server: str) -> AsyncIterator[tuple[str, Db]]:
    """A database of this test's own on that server, with the legacy sample loaded."""
    name = f"crash_{uuid.uuid4().hex[:8]}"
    client: AsyncMongoClient[MongoDocument] = create_client(server, 5000)
    try:
        await load_legacy(client[name])
        yield name, client[name]
    finally:
        await client.drop_database(name)
        await client.close()


def _env(url: str, db_name: str) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("PROFILES_")},
        "PROFILES_MONGODB_URL": url,
        "PROFILES_DB_NAME": db_name,
        "PROFILES_JWT_SECRET": "not-used-here",
        "PROFILES_MIGRATION_LOCK_TTL_SECONDS": str(TTL_SECONDS),
    }


async def _at_dancers_half_made(db: Db) -> bool:
    """Inside 0002, with a batch committed and more to come."""
    state = await db.migration_state.find_one({"_id": 2, "checkpoints.users": {"$exists": True}})
    return state is not None and 25 < await db.dancers.count_documents({}) < 200


async def _at_choreographers(db: Db) -> bool:
    """Inside 0003."""
    return await db.migration_state.find_one({"_id": 3, "status": "running"}) is not None


async def _at_records(db: Db) -> bool:
    """Inside 0004: some records linked, not all (the profiles are derived as 0002 and
    0003 make them, so the derive step before 0006 has nothing to do on this data)."""
    linked = await db.projects.count_documents({"profileIdBackfilled": True})
    return 0 < linked < 700


@pytest.mark.parametrize(
    "moment",
    [_at_dancers_half_made, _at_choreographers, _at_records],
    ids=["0002-mid-batch", "0003", "0004"],
)
async def test_a_killed_run_is_taken_over_at_expiry_and_completes_whole(
    server: str, crash_db: tuple[str, Db], moment: object
) -> None:
    name, db = crash_db
    env = _env(server, name)
    victim = await asyncio.create_subprocess_exec(
        sys.executable, *UP, env=env, stdout=DEVNULL, stderr=DEVNULL
    )
    deadline = time.monotonic() + 120
    while not await moment(db):  # type: ignore[operator]
        assert victim.returncode is None, "the run ended before the moment to kill it"
        assert time.monotonic() < deadline, "the moment to kill never came"
        await asyncio.sleep(0.005)
    victim.send_signal(signal.SIGKILL)
    await victim.wait()
    killed_at = time.monotonic()

    status = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "service.cli.main", "migrate", "status", env=env, stdout=PIPE
    )
    shown, _ = await status.communicate()
    assert "lock held by" in shown.decode()  # until it expires
    rerun = await asyncio.create_subprocess_exec(
        sys.executable, *UP, env=env, stdout=DEVNULL, stderr=PIPE
    )
    assert rerun.stderr is not None
    took_over_after = None
    lines = []
    while line := await asyncio.wait_for(rerun.stderr.readline(), timeout=120):
        lines.append(line.decode())
        if took_over_after is None and b"took over the migration lock" in line:
            took_over_after = time.monotonic() - killed_at
    assert await asyncio.wait_for(rerun.wait(), timeout=120) == 0, "".join(lines)
    completed_after = time.monotonic() - killed_at
    print(
        f"{moment.__name__}: taken over {took_over_after:.1f} s after the kill,"  # type: ignore[attr-defined]
        f" completed {completed_after:.1f} s after it"
    )
    assert took_over_after is not None, "".join(lines)
    assert took_over_after < TTL_SECONDS + TAKEOVER_MARGIN_S, took_over_after
    await assert_migrated_whole(db)
    assert await Runner(db).pending() == []


async def test_a_short_lock_ttl_aborts_no_batch(crash_db: tuple[str, Db]) -> None:
    """Heartbeats every 0.125 s never conflict with a batch: it moves the expiry on
    itself when it begins, and the heartbeat waits while it runs."""
    _, db = crash_db
    summaries = await Runner(db).up(RunOptions(say=lambda line: None, batch_size=25, lock_ttl=0.5))
    assert [s["status"] for s in summaries] == ["applied"] * len(summaries)
    retried = {s["version"]: s["stats"].get("batches retried", 0) for s in summaries}
    assert sum(retried.values()) == 0, retried
    await assert_migrated_whole(db)


async def test_status_shows_a_script_whose_runner_died_as_interrupted(
    crash_db: tuple[str, Db], tmp_path: Path
) -> None:
    _, db = crash_db
    await Runner(db).up(RunOptions(say=lambda line: None, to=1))
    await db.migration_state.insert_one({"_id": 2, "status": "running", "checkpoints": {}})
    lines = {line.script.version: line for line in await Runner(db).status()}
    assert lines[2].state == "interrupted"
    assert lines[1].state == "applied"

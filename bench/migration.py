"""Migration throughput and memory: the legacy sample at 1x and 4x, on the embedded server.

For each size, loads the sample N times (fresh ids; loading is not timed) into a fresh
database, runs `profiles migrate up` in a child process, and prints legacy users per
second and the child's peak memory (max RSS). Memory should stay flat as the data grows
(the runner streams in batches).

Then the ceiling for the same size: the same legacy data in a second database, and the
writes the migration made (the profile documents, the fields it set on users, projects
and training, its issue records; its own bookkeeping aside) built in memory from the
migrated database and issued as unordered bulk writes of `--batch-size`, with the
indexes in place when the migration has them: the ones 0001 makes (before any profile
exists) first, the others built on the written data afterwards; timed. The
migration reads, checks, transforms, logs issues and commits in transactions; the
ceiling only writes. The last lines are the
ratio of the migration's users per second to the ceiling's at the largest size (goal: at
least 0.7) and of peak memory at the largest size to the smallest (flat is 1.0). Each
size runs `--rounds` times on fresh data; the fastest migration and the fastest ceiling
count, since on a shared machine a slow run says more about the neighbours than about
the code.

    .venv/bin/python -m bench.migration [--sizes 1 4] [--batch-size 250] [--rounds 2]
"""

import argparse
import asyncio
import importlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from pymongo import AsyncMongoClient, InsertOne, UpdateOne
from pymongo.asynchronous.database import AsyncDatabase

from service.platform.embedded import EmbeddedDatabase
from tests.factories.legacy import load_legacy

Document = dict[str, Any]
CREATED = ("dancers", "choreographers", "migration_issues")
CHANGED = ("users", "projects", "training")


async def _load(url: str, db_names: list[str], copies: int) -> tuple[int, int]:
    """The sample `copies` times in each database (the same documents); returns the
    number of legacy documents and of users in one."""
    client: AsyncMongoClient[Document] = AsyncMongoClient(url)
    try:
        inserted = await load_legacy(client[db_names[0]], copies)
        for name in db_names[1:]:
            for collection, documents in inserted.items():
                if documents:
                    await client[name][collection].insert_many(documents)
        return sum(len(documents) for documents in inserted.values()), len(inserted["users"])
    finally:
        await client.close()


async def _drop(url: str, db_names: list[str]) -> None:
    """Drop the databases of a round, so every round starts on the same server state."""
    client: AsyncMongoClient[Document] = AsyncMongoClient(url)
    try:
        for name in db_names:
            await client.drop_database(name)
    finally:
        await client.close()


# `profiles migrate up`, reporting its own peak memory as it exits: the kernel's peak for
# a child (`ru_maxrss`) counts what the child held before `exec`, a copy of this process,
# which grows with the data the benchmark loads; `VmHWM` is the exec'd program's alone.
MIGRATE = """
import atexit, os, re, sys
from service.cli.main import main

def report():
    status = open("/proc/self/status").read()
    with open(os.environ["BENCH_PEAK_FILE"], "w") as out:
        out.write(re.search(r"VmHWM:\\s+(\\d+)", status).group(1))

atexit.register(report)
sys.exit(main(sys.argv[1:]))
"""


def _migrate(url: str, db_name: str, batch_size: int) -> tuple[float, int]:
    """Seconds `profiles migrate up` took, and its peak memory in KiB."""
    with tempfile.NamedTemporaryFile("r") as peak:
        env = {
            **os.environ,
            "PROFILES_MONGODB_URL": url,
            "PROFILES_DB_NAME": db_name,
            "PROFILES_JWT_SECRET": "bench",
            "BENCH_PEAK_FILE": peak.name,
        }
        command = [
            sys.executable,
            "-c",
            MIGRATE,
            "migrate",
            "up",
            "--batch-size",
            str(batch_size),
        ]
        started = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, check=False)  # noqa: S603
        elapsed = time.perf_counter() - started
        if done.returncode:
            raise SystemExit(f"migrate up failed:\n{done.stderr.decode(errors='replace')}")
        return elapsed, int(peak.read())


def _changes(before: Document, after: Document) -> Document:
    """The update that turns `before` into `after` (top-level fields)."""
    update: Document = {}
    changed = {key: value for key, value in after.items() if before.get(key, object()) != value}
    removed = {key: "" for key in before if key not in after}
    if changed:
        update["$set"] = changed
    if removed:
        update["$unset"] = removed
    return update


async def _writes(
    migrated: AsyncDatabase[Document], legacy: AsyncDatabase[Document]
) -> dict[str, list[InsertOne[Document] | UpdateOne]]:
    """What the migration wrote to `migrated`, as bulk writes against `legacy` (which
    holds the same documents as `migrated` held before)."""
    writes: dict[str, list[InsertOne[Document] | UpdateOne]] = {}
    for name in CREATED:
        writes[name] = [InsertOne(document) async for document in migrated[name].find({})]
    for name in CHANGED:
        before = {document["_id"]: document async for document in legacy[name].find({})}
        writes[name] = []
        async for document in migrated[name].find({}):
            update = _changes(before[document["_id"]], document)
            if update:
                writes[name].append(UpdateOne({"_id": document["_id"]}, update))
    return writes


def _first_indexes() -> set[tuple[str, str]]:
    """(collection, index name) of the indexes 0001 makes, before any profile is written."""
    script = importlib.import_module("migrations.versions.0001_user_profile_refs")
    return {
        (collection, model.document["name"])
        for collection, models in script.INDEXES.items()
        for model in models
    }


async def _copy_indexes(
    source: AsyncDatabase[Document], target: AsyncDatabase[Document], *, first: bool
) -> None:
    """The indexes `source` has (0001's when `first`, the others when not) on `target`."""
    early = _first_indexes()
    for name in (*CREATED, *CHANGED):
        async for index in await source[name].list_indexes():
            if index["name"] == "_id_" or ((name, index["name"]) in early) != first:
                continue
            options = {key: value for key, value in index.items() if key not in ("v", "key", "ns")}
            await target[name].create_index(list(index["key"].items()), **options)


async def _ceiling(url: str, migrated_name: str, legacy_name: str, batch_size: int) -> float:
    """Seconds to issue the migration's writes as bulk writes (building them is not
    timed)."""
    client: AsyncMongoClient[Document] = AsyncMongoClient(url)
    try:
        migrated, legacy = client[migrated_name], client[legacy_name]
        writes = await _writes(migrated, legacy)
        started = time.perf_counter()
        await _copy_indexes(migrated, legacy, first=True)
        for name, operations in writes.items():
            for start in range(0, len(operations), batch_size):
                await legacy[name].bulk_write(operations[start : start + batch_size], ordered=False)
        await _copy_indexes(migrated, legacy, first=False)
        return time.perf_counter() - started
    finally:
        await client.close()


def _round(server: EmbeddedDatabase, size: int, round_: int, batch_size: int) -> Document:
    """One migration and its ceiling on fresh copies of the sample `size` times."""
    migrated_name = f"bench_migration_{size}x_{round_}"
    ceiling_name = f"bench_ceiling_{size}x_{round_}"
    documents, users = asyncio.run(_load(server.url, [migrated_name, ceiling_name], size))
    elapsed, peak_kib = _migrate(server.url, migrated_name, batch_size)
    raw = asyncio.run(_ceiling(server.url, migrated_name, ceiling_name, batch_size))
    asyncio.run(_drop(server.url, [migrated_name, ceiling_name]))
    return {
        "documents": documents,
        "users": users,
        "elapsed": elapsed,
        "peak": peak_kib,
        "raw": raw,
    }


def main() -> None:
    """Run the benchmark: one line per size, then the throughput and memory ratios."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 4])
    parser.add_argument(
        "--batch-size",
        type=int,
        default=250,
        help="documents per batch (default 250: batches are full at 1x, 300 users, too, so"
        " the memory ratio compares data sizes, not how full a batch is)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="migrations and ceilings per size, each on fresh data; the fastest of each"
        " counts (the least disturbed by other work on the machine)",
    )
    args = parser.parse_args()
    peaks: dict[int, int] = {}
    ratios: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as storage, EmbeddedDatabase(Path(storage)) as server:
        for size in args.sizes:
            rounds = [_round(server, size, r, args.batch_size) for r in range(args.rounds)]
            elapsed = min(r["elapsed"] for r in rounds)
            raw = min(r["raw"] for r in rounds)
            users, documents = rounds[0]["users"], rounds[0]["documents"]
            peaks[size] = max(r["peak"] for r in rounds)
            ratios[size] = raw / elapsed
            migrations = ", ".join(f"{r['elapsed']:.1f}" for r in rounds)
            ceilings = ", ".join(f"{r['raw']:.1f}" for r in rounds)
            print(
                f"{size}x: {users:,} legacy users ({documents:,} documents) migrated in"
                f" {elapsed:.1f} s = {users / elapsed:,.0f} users/s; peak memory"
                f" {peaks[size] / 1024:.0f} MiB; ceiling (the same writes, bulk) {raw:.1f} s ="
                f" {users / raw:,.0f} users/s; migration/ceiling {ratios[size]:.2f}"
                f" (fastest of {args.rounds}: migration {migrations} s, ceiling {ceilings} s)"
            )
    largest, smallest = max(args.sizes), min(args.sizes)
    print(
        f"migration/ceiling users per second at {largest}x: {ratios[largest]:.2f} (goal >= 0.7);"
        f" peak memory {largest}x/{smallest}x: {peaks[largest] / peaks[smallest]:.2f}"
        " (goal <= 1.2)"
    )


if __name__ == "__main__":
    main()

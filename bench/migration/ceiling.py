"""The migration's ceiling: the writes `profiles migrate up` made, issued again as bulk
writes on a copy of the data it started from, with the indexes where the migration has
them (0001's before the writes, the others after)."""

import asyncio
import time
from dataclasses import dataclass

from pymongo import AsyncMongoClient, InsertOne, UpdateOne
from pymongo.asynchronous.database import AsyncDatabase

from bench.harness import command_times
from bench.harness.command_times import CommandTimes
from bench.harness.processes import cpu_seconds, run_profiles
from bench.wire import Document

Write = InsertOne[Document] | UpdateOne
CREATED = ("dancers", "choreographers", "migration_issues")
CHANGED = ("users", "projects", "training")
FIRST_VERSION = 1


async def first_indexes(url: str, scratch_name: str) -> set[tuple[str, str]]:
    """(collection, index name) of the indexes the first migration makes, before any
    profile is written: `profiles migrate up --to 1` on an empty scratch database."""
    arguments = ["migrate", "up", "--to", str(FIRST_VERSION)]
    await asyncio.to_thread(run_profiles, arguments, url=url, db_name=scratch_name)
    client: AsyncMongoClient[Document] = AsyncMongoClient(url)
    try:
        scratch = client[scratch_name]
        found = set()
        for name in (*CREATED, *CHANGED):
            async for index in await scratch[name].list_indexes():
                if index["name"] != "_id_":
                    found.add((name, index["name"]))
        await client.drop_database(scratch_name)
        return found
    finally:
        await client.close()


def changes(before: Document, after: Document) -> Document:
    """The update that turns `before` into `after` (top-level fields)."""
    update: Document = {}
    changed = {key: value for key, value in after.items() if before.get(key, object()) != value}
    removed = {key: "" for key in before if key not in after}
    if changed:
        update["$set"] = changed
    if removed:
        update["$unset"] = removed
    return update


async def migration_writes(
    migrated: AsyncDatabase[Document], legacy: AsyncDatabase[Document]
) -> dict[str, list[Write]]:
    """What the migration wrote to `migrated`, as bulk writes against `legacy` (which
    holds the same documents as `migrated` held before)."""
    writes: dict[str, list[Write]] = {}
    for name in CREATED:
        writes[name] = [InsertOne(document) async for document in migrated[name].find({})]
    for name in CHANGED:
        before = {document["_id"]: document async for document in legacy[name].find({})}
        writes[name] = []
        async for document in migrated[name].find({}):
            update = changes(before[document["_id"]], document)
            if update:
                writes[name].append(UpdateOne({"_id": document["_id"]}, update))
    return writes


async def copy_indexes(
    source: AsyncDatabase[Document],
    target: AsyncDatabase[Document],
    early: set[tuple[str, str]],
    *,
    first: bool,
) -> None:
    """The indexes `source` has (those in `early` when `first`, the others when not) on
    `target`."""
    for name in (*CREATED, *CHANGED):
        async for index in await source[name].list_indexes():
            if index["name"] == "_id_" or ((name, index["name"]) in early) != first:
                continue
            options = {key: value for key, value in index.items() if key not in ("v", "key", "ns")}
            await target[name].create_index(list(index["key"].items()), **options)


@dataclass(frozen=True)
class Ceiling:
    """The ceiling's run: seconds, the CPU seconds the server spent on it, and its
    database time by kind of command."""

    seconds: float
    server_cpu: float
    commands: command_times.Times


async def ceiling(
    url: str,
    migrated_name: str,
    legacy_name: str,
    batch_size: int,
    early: set[tuple[str, str]],
    server_pid: int | None,
) -> Ceiling:
    """The migration's writes issued as bulk writes of `batch_size`, with the indexes in
    `early` first and the others after, timed, with the CPU time of the server (process
    `server_pid`) and the commands meanwhile (building the writes is not counted)."""
    times = CommandTimes()
    client: AsyncMongoClient[Document] = AsyncMongoClient(url, event_listeners=[times])
    try:
        migrated, legacy = client[migrated_name], client[legacy_name]
        writes = await migration_writes(migrated, legacy)
        cpu_before = cpu_seconds(server_pid)
        started = time.perf_counter()
        with times.record():
            await copy_indexes(migrated, legacy, early, first=True)
            for name, operations in writes.items():
                for start in range(0, len(operations), batch_size):
                    batch = operations[start : start + batch_size]
                    await legacy[name].bulk_write(batch, ordered=False)
            await copy_indexes(migrated, legacy, early, first=False)
        seconds = time.perf_counter() - started
        return Ceiling(seconds, cpu_seconds(server_pid) - cpu_before, times.times)
    finally:
        await client.close()

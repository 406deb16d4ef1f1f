"""The run of the migration benchmark (`bench.migration`): per size and round, load the
sample twice, migrate one copy with `profiles migrate up`, issue its writes on the other
as the ceiling, drop both; then one line per size and the ratios."""

import asyncio
import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass

from pymongo import AsyncMongoClient

import bench.migration
from bench.harness import cli, command_times
from bench.harness.processes import cpu_seconds, run_profiles
from bench.harness.server import embedded_server
from bench.harness.timing import Goal, ratio, ratio_text, summary_line
from bench.migration.ceiling import ceiling, first_indexes
from bench.wire import Document
from tests.factories.legacy import load_legacy
from tests.serving import children

GOAL_THROUGHPUT = Goal(">=", 0.8)
GOAL_MEMORY = Goal("<=", 1.2)


@dataclass(frozen=True)
class Round:
    """One migration and its ceiling on fresh copies of the sample."""

    documents: int
    users: int
    migration: float
    """seconds `migrate up` took"""
    peak_kib: int
    ceiling: float
    """seconds the same writes took as bulk writes"""
    server_cpu: float
    """CPU seconds the server spent on the migration"""
    ceiling_server_cpu: float
    """CPU seconds the server spent on the ceiling's writes"""
    command_cpu: float
    """CPU seconds of the `profiles migrate up` process itself (starting Python included)"""
    commands: command_times.Times
    """the migration's database time by kind of command"""
    ceiling_commands: command_times.Times
    """the ceiling's"""


async def load(url: str, db_names: list[str], copies: int) -> tuple[int, int]:
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


async def drop(url: str, db_names: list[str]) -> None:
    """Drop the databases of a round, so every round starts on the same server state."""
    client: AsyncMongoClient[Document] = AsyncMongoClient(url)
    try:
        for name in db_names:
            await client.drop_database(name)
    finally:
        await client.close()


def run_round(
    url: str,
    server_pid: int | None,
    size: int,
    number: int,
    batch_size: int,
    early: set[tuple[str, str]],
) -> Round:
    """One migration and its ceiling on fresh copies of the sample `size` times."""
    migrated = f"bench_migration_{size}x_{number}"
    copy = f"bench_ceiling_{size}x_{number}"
    documents, users = asyncio.run(load(url, [migrated, copy], size))
    cpu_before = cpu_seconds(server_pid)
    done = run_profiles(
        ["migrate", "up", "--batch-size", str(batch_size)], url=url, db_name=migrated
    )
    server_cpu = cpu_seconds(server_pid) - cpu_before
    raw = asyncio.run(ceiling(url, migrated, copy, batch_size, early, server_pid))
    asyncio.run(drop(url, [migrated, copy]))
    return Round(
        documents,
        users,
        done.seconds,
        done.peak_kib,
        raw.seconds,
        server_cpu,
        raw.server_cpu,
        done.cpu_seconds,
        done.commands,
        raw.commands,
    )


@contextlib.contextmanager
def database(url: str | None) -> Iterator[tuple[str, int | None]]:
    """The server to run on, and its process id when it is this process's child (for
    its CPU time): `url` (a MongoDB replica set), or the embedded server started here."""
    if url is not None:
        yield url, None
        return
    with embedded_server() as server:
        # the server is this process's only child until the first `profiles` command
        yield server.url, next(iter(children(os.getpid())), None)


def main() -> None:
    """Run the benchmark: one line per size, then the throughput and memory ratios."""
    parser = cli.parser(bench.migration.__doc__)
    cli.add_sizes(parser, [1, 4], "copies of the legacy sample")
    parser.add_argument(
        "--batch-size",
        type=int,
        default=250,
        help="documents per batch (default 250: batches are full at 1x, 300 users, too, so"
        " the memory ratio compares data sizes, not how full a batch is)",
    )
    cli.add_rounds(
        parser,
        2,
        "migrations and ceilings per size, each on fresh data; the fastest of each counts"
        " (the least disturbed by other work on the machine)",
    )
    parser.add_argument(
        "--mongodb-url",
        help="a MongoDB replica set to run on (default: the embedded server, started here);"
        " its `bench_migration_*` and `bench_ceiling_*` databases are made and dropped",
    )
    args = parser.parse_args()
    cli.require(args.rounds >= 1 and min(args.sizes) >= 1, "--rounds and --sizes: at least 1")
    peaks: dict[int, int] = {}
    ratios: dict[int, float] = {}
    with database(args.mongodb_url) as (url, server_pid):
        early = asyncio.run(first_indexes(url, "bench_migration_first_indexes"))
        for size in args.sizes:
            rounds = [
                run_round(url, server_pid, size, n, args.batch_size, early)
                for n in range(args.rounds)
            ]
            migration = min(r.migration for r in rounds)
            raw = min(r.ceiling for r in rounds)
            users, documents = rounds[0].users, rounds[0].documents
            peaks[size] = max(r.peak_kib for r in rounds)
            ratios[size] = ratio(raw, migration)
            migrations = ", ".join(f"{r.migration:.1f}" for r in rounds)
            ceilings = ", ".join(f"{r.ceiling:.1f}" for r in rounds)
            print(
                f"{size}x: {users:,} legacy users ({documents:,} documents) migrated in"
                f" {migration:.1f} s = {users / migration:,.0f} users/s; peak memory"
                f" {peaks[size] / 1024:.0f} MiB; ceiling (the same writes, bulk) {raw:.1f} s ="
                f" {users / raw:,.0f} users/s; migration/ceiling {ratios[size]:.2f}"
                f" (fastest of {args.rounds}: migration {migrations} s, ceiling {ceilings} s)",
                flush=True,
            )
            fastest = min(rounds, key=lambda r: r.migration)
            server = (
                f"server {fastest.server_cpu:.1f} s for the migration,"
                f" {fastest.ceiling_server_cpu:.1f} s for the ceiling"
                f" ({ratio(fastest.ceiling_server_cpu, fastest.server_cpu):.2f}); "
                if server_pid is not None
                else "server not measured (not this machine's child); "
            )
            print(
                f"  CPU of the fastest round (not moved by the machine's load): {server}the"
                f" `migrate up` process {fastest.command_cpu:.1f} s",
                flush=True,
            )
            print(
                "  database time by kind of command (each timed by the client, round trip"
                f" included), the fastest round: migration"
                f" {command_times.seconds(fastest.commands):.2f} s:"
                f" {command_times.text(fastest.commands)}; ceiling"
                f" {command_times.seconds(fastest.ceiling_commands):.2f} s:"
                f" {command_times.text(fastest.ceiling_commands)}",
                flush=True,
            )
    largest, smallest = max(args.sizes), min(args.sizes)
    print(
        summary_line(
            ratio_text(
                f"migration/ceiling users per second at {largest}x:",
                ratios[largest],
                GOAL_THROUGHPUT,
            ),
            ratio_text(
                f"peak memory {largest}x/{smallest}x:",
                ratio(peaks[largest], peaks[smallest]),
                GOAL_MEMORY,
            ),
        )
    )

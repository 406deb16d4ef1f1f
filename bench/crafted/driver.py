"""The run of the crafted-search benchmark (`bench.crafted`): the crowd loaded, a service
on the in-order reader for the command counts, then a fresh one on the default reader
for the cold connections, the latencies and the victim; then the report."""

import argparse
import asyncio
import os
import secrets
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from pymongo import AsyncMongoClient

import bench.crafted
from bench.crafted.data import CITY, STYLES, add_account, load
from bench.crafted.measure import cold_connections, cold_requests, count_commands, time_searches
from bench.crafted.queries import CRAFTED, typical
from bench.crafted.report import Results, report
from bench.crafted.victim import LONG_TIMEOUT, Victim, after_abandoning, under_load
from bench.harness import cli
from bench.harness.cli import progress
from bench.harness.processes import start_service, stop, wait_ready
from bench.harness.server import free_port
from bench.harness.tokens import bearer
from bench.wire import Document

SETTINGS = {"PROFILES_RATE_LIMIT_PER_SECOND": "0", "PROFILES_RATE_LIMIT_SEARCH_PER_SECOND": "0"}
"""No rate limit for the benchmark's callers (the search one: where the setting exists)."""
CALLERS = ("bench-crafted-searcher", "bench-crafted-attacker", "bench-crafted-victim")
ABANDON_AFTER = 0.2
ABANDONED = 3
RECOVERY = 1.0
IN_ORDER_DEADLINE_MS = 120_000


@asynccontextmanager
async def serving(
    data_dir: Path, secret: str, db_port: int, reader: str | None
) -> AsyncIterator[httpx.AsyncClient]:
    """`profiles serve` on the embedded database in `data_dir` (on `db_port`), search
    reader `reader` (None: the default), ready; stopped afterwards."""
    settings = {**SETTINGS, **({"PROFILES_SEARCH_READER": reader} if reader else {})}
    if reader == "in-order":
        # the embedded server scans the collection for a hinted query: the in-order run
        # counts commands, not time, so its requests get all the time they need
        settings["PROFILES_REQUEST_TIMEOUT_MS"] = str(IN_ORDER_DEADLINE_MS)
    service = start_service(data_dir, secret, database_port=db_port, env=settings)
    try:
        async with httpx.AsyncClient(base_url=service.url, timeout=LONG_TIMEOUT) as api:
            ready = await wait_ready(api, service.process)
            progress(f"profiles serve (reader {reader or 'default'}) ready in {ready:.1f} s")
            yield api
    finally:
        progress(f"profiles serve: {stop(service.process, timeout=30)}")


async def run(args: argparse.Namespace) -> Results:
    """Load, count, time; what was measured."""
    secret = secrets.token_urlsafe(48)
    searcher, attacker, reader = (bearer(secret, sub) for sub in CALLERS)
    db_port = free_port()
    db_name = os.environ.get("PROFILES_DB_NAME", "profiles")
    results = Results()
    with tempfile.TemporaryDirectory(prefix="profiles-crafted-bench-") as temp:
        data_dir = Path(temp)
        async with serving(data_dir, secret, db_port, "in-order") as api:
            database: AsyncMongoClient[Document] = AsyncMongoClient(
                f"mongodb://127.0.0.1:{db_port}/?directConnection=true"
            )
            try:
                started = time.perf_counter()
                crowd = await load(database[db_name], args.size)
                for sub in CALLERS:
                    await add_account(database[db_name], sub)
            finally:
                await database.close()
            print(
                f"{crowd.counts['dancer']:,} dancers and {crowd.counts['choreographer']:,}"
                f" choreographers, all in {CITY} with {' and '.join(STYLES)}, loaded in"
                f" {time.perf_counter() - started:.1f} s (not part of the results)",
                flush=True,
            )
            searches = typical(crowd.surname)
            progress("counting commands (in-order reader)")
            results.commands = await count_commands(api, searcher, [*searches, *CRAFTED])
        async with serving(data_dir, secret, db_port, None) as api:
            paths = cold_requests(crowd.dancer_ids, searches, CRAFTED)
            progress(f"cold process: {len(paths)} serial requests")
            results.cold = await cold_connections(api, searcher, paths)
            progress(f"timing: {args.rounds} rounds")
            results.typical = await time_searches(
                api, searcher, searches, warmup=2, rounds=args.rounds
            )
            results.crafted = await time_searches(
                api, searcher, CRAFTED, warmup=1, rounds=args.rounds
            )
            victim = Victim(api, reader, f"/v1/dancers/{crowd.dancer_ids[0]}", str(api.base_url))
            await victim.window(0.5)  # warm-up
            progress(f"victim: {args.seconds:g} s alone, loaded, alone, after abandoning")
            results.alone = await victim.window(args.seconds)
            results.loaded = await under_load(victim, attacker, CRAFTED, args.seconds)
            results.alone += await victim.window(args.seconds)
            results.abandoned = await after_abandoning(
                victim,
                attacker,
                CRAFTED[:ABANDONED],
                after=ABANDON_AFTER,
                wait=RECOVERY,
                seconds=args.seconds,
            )
    return results


def main() -> None:
    """Run the benchmark; the last line printed is the summary of the figures."""
    parser = cli.parser(bench.crafted.__doc__)
    parser.add_argument("--size", type=int, default=1000, help="profiles, half dancers (1000)")
    cli.add_rounds(parser, 3, "timed calls of each search")
    parser.add_argument(
        "--seconds", type=float, default=3.0, help="of each window of the victim's reads (3)"
    )
    args = parser.parse_args()
    cli.require(args.size >= 100, "--size: at least 100")
    cli.require(args.rounds >= 1 and args.seconds > 0, "--rounds, --seconds: positive")
    print(
        f"crafted-search benchmark: {args.size:,} profiles, {args.rounds} rounds, victim"
        f" windows of {args.seconds:g} s, `profiles serve` on the embedded server",
        flush=True,
    )
    report(asyncio.run(run(args)))

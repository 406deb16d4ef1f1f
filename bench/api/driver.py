"""The run of the API benchmark (`bench.api`): start the service, seed it, record the
search plan, start the bare app, check the commands, measure, stop, report."""

import argparse
import asyncio
import os
import secrets
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx
from bson import json_util
from pymongo import AsyncMongoClient

import bench.api
from bench.api.measure import Results, measure, report
from bench.api.sides import Bench, compare_commands, search_plan
from bench.harness import cli
from bench.harness.accounts import seed
from bench.harness.processes import (
    Process,
    start_logged,
    start_service,
    stop,
    wait_ready,
)
from bench.harness.server import free_port
from bench.harness.tokens import bearer
from bench.wire import Document
from tests.serving import children


def start_bare(
    data_dir: Path, plan: Mapping[str, Any], url: str, secret: str, db: str
) -> tuple[Process, str]:
    """The bare app as a child process (same interpreter, same uvicorn) on a free port,
    replaying `plan` against database `db` at `url`."""
    plan_path = data_dir / "search-plan.json"
    plan_path.write_text(json_util.dumps(plan))
    port = free_port()
    env = {
        **os.environ,
        "PROFILES_MONGODB_URL": url,
        "PROFILES_DB_NAME": db,
        "PROFILES_JWT_SECRET": secret,
    }
    command = [sys.executable, "-m", "bench.api.bare", "--plan", str(plan_path)]
    process = start_logged([*command, "--port", str(port)], env, data_dir / "bare.log")
    return process, f"http://127.0.0.1:{port}"


async def run(args: argparse.Namespace) -> int:
    """Start the service, seed, trace, start the bare app, measure, stop, report."""
    results = Results()
    secret = secrets.token_urlsafe(48)
    db_port = free_port()
    db_url = f"mongodb://127.0.0.1:{db_port}/?directConnection=true"
    db_name = os.environ.get("PROFILES_DB_NAME", "profiles")
    bare_process = None
    with tempfile.TemporaryDirectory(prefix="profiles-api-bench-") as temp:
        service = start_service(Path(temp), secret, database_port=db_port)
        database: AsyncMongoClient[Document] = AsyncMongoClient(db_url)
        limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=args.clients)
        try:
            async with httpx.AsyncClient(base_url=service.url, timeout=60.0, limits=limits) as api:
                ready = await wait_ready(api, service.process)
                started = time.monotonic()
                accounts = await seed(api, secret, args.users, secrets.token_hex(3))
                print(
                    f"profiles serve ready in {ready:.1f} s; seeded {len(accounts)} users"
                    f" in {time.monotonic() - started:.1f} s"
                )
                admin = bearer(secret, "bench-admin", ["admin"])
                bench = Bench(args, api, None, database, db_name, accounts, admin)
                plan = await search_plan(bench)
                bare_process, bare_url = start_bare(Path(temp), plan, db_url, secret, db_name)
                async with httpx.AsyncClient(
                    base_url=bare_url, timeout=60.0, limits=limits
                ) as bare:
                    await wait_ready(bare, bare_process)
                    bench.bare = bare
                    db_pids = children(service.process.pid)
                    db_pid = db_pids[0] if db_pids else None
                    bench.pids = {
                        "service": {"app": service.process.pid, "db": db_pid},
                        "bare": {"app": bare_process.pid, "db": db_pid},
                    }
                    print("\ncommands per request (the server's profiler):")
                    results.agree = await compare_commands(bench)
                    await measure(bench, results)
        finally:
            await database.close()
            stop(bare_process, timeout=30)
            stop(service.process, timeout=30)
    return report(results, args)


def main() -> None:
    """Parse the arguments and run the benchmark; exit with its code."""
    parser = cli.parser(bench.api.__doc__)
    cli.add_load(parser, clients=8, seconds=1.5, users=96)
    cli.add_rounds(parser, 8, "slices per side")
    parser.add_argument("--warmup", type=float, default=1.0, help="warm-up seconds (1)")
    args = parser.parse_args()
    cli.require(
        1 <= args.clients <= 64
        and 0 < args.seconds <= 600
        and 1 <= args.rounds <= 50
        and 0 <= args.warmup <= 60
        and args.clients <= args.users <= 2000,
        "bounds: 1-64 clients, up to 600 s, 1-50 rounds, clients <= users <= 2000",
    )
    sys.exit(asyncio.run(run(args)))

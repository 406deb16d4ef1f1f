"""Load: a mix of reads, writes, switches and searches from concurrent clients.

    .venv/bin/python -m bench.load [--clients 32] [--seconds 30] [--users 64]
    .venv/bin/python -m bench.load --url http://127.0.0.1:8000 --secret ... --pid 1234

Starts `profiles serve` as a child process (`bench.harness.processes.start_service`:
embedded database in a temporary data dir, a free port on 127.0.0.1, a secret of its
own, the rate limit off) unless `--url` names a running service (then `--secret` or
PROFILES_JWT_SECRET signs the tokens, and `--pid` names its process for the memory
figures). Seeds `--users` accounts through the API (`bench.harness.accounts`: a dancer
profile each, every other one also a choreographer profile), then runs `--clients`
clients for `--seconds` seconds: 25 % profile reads, 20 % `/v1/me`, 15 % PATCH, 10 %
switches, 15 % prefix searches, 10 % `/v1/search` with a location filter, 5 %
`/v1/me/profiles`. Prints requests, errors (any status other than the expected ones:
2xx, and 409 for a switch that raced another), p50 and p99 latency, and the service's
resident memory (VmRSS) after start, after seeding and at the end.
"""

import argparse
import asyncio
import os
import random
import secrets
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx

from bench.harness import cli
from bench.harness.accounts import SEED_CITIES, SEED_FIRST_NAMES, SEED_LAST_NAMES, Account, seed
from bench.harness.processes import Process, rss_kib, start_service, stop, wait_ready
from bench.harness.timing import percentile
from tests.serving import children

Request = tuple[str, str, str, Any]
"""(operation, method, path, JSON body or, for a GET, query parameters)"""


@dataclass
class Tally:
    """Latencies and statuses of every request of a run."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    expected: Counter[str] = field(default_factory=Counter)


def _mib(kib: int | None) -> str:
    """KiB as MiB, or `?`."""
    return "?" if kib is None else f"{kib / 1024:.1f} MiB"


def next_request(chooser: random.Random, account: Account) -> Request:
    """One request of the mix, made by `account` (on its own resources)."""
    roll = chooser.random()
    if roll < 0.25:
        return "read profile", "GET", f"/v1/dancers/{account.dancer_id}", None
    if roll < 0.45:
        return "read me", "GET", "/v1/me", None
    if roll < 0.60:
        body = {"bio": f"edited {chooser.randrange(10**6)}"}
        return "patch", "PATCH", f"/v1/dancers/{account.dancer_id}", body
    if roll < 0.70 and account.two_profiles:
        target = chooser.choice(["dancer", "choreographer"])
        return "switch", "PUT", "/v1/me/profiles/active", {"profileType": target}
    if roll < 0.85:
        name = chooser.choice(SEED_FIRST_NAMES + SEED_LAST_NAMES)
        prefix = name[: chooser.randint(1, 4)].lower()
        return "search q", "GET", "/v1/dancers", {"q": prefix, "limit": 20}
    if roll < 0.95:
        city = chooser.choice(SEED_CITIES)
        return "search filter", "GET", "/v1/search", {"location": city, "q": "a"}
    return "list mine", "GET", "/v1/me/profiles", None


async def drive(
    client: httpx.AsyncClient, accounts: list[Account], clients: int, seconds: float
) -> Tally:
    """`clients` concurrent clients sending the mix for `seconds`, each as a random
    account of `accounts`."""
    tally = Tally()
    deadline = time.monotonic() + seconds

    async def worker(number: int) -> None:
        chooser = random.Random(number)
        while time.monotonic() < deadline:
            account = chooser.choice(accounts)
            operation, method, path, body = next_request(chooser, account)
            started = time.perf_counter()
            try:
                response = await client.request(
                    method,
                    path,
                    headers=account.headers,
                    params=body if method == "GET" else None,
                    json=None if method == "GET" else body,
                )
                status = str(response.status_code)
            except httpx.HTTPError as error:
                status = type(error).__name__
            tally.latencies.append(time.perf_counter() - started)
            tally.statuses[f"{operation} {status}"] += 1
            if status.startswith("2"):
                continue
            if operation == "switch" and status == "409":
                tally.expected[f"{operation} {status}"] += 1
            else:
                tally.errors[f"{operation} {status}"] += 1

    await asyncio.gather(*(worker(n) for n in range(clients)))
    return tally


def report(args: argparse.Namespace, tally: Tally, memory: dict[str, int | None]) -> int:
    """Print the figures; exit code 1 when a request failed."""
    total = sum(tally.statuses.values())
    errors = sum(tally.errors.values())
    print(
        f"{args.clients} clients, {args.seconds:.0f} s: {total} requests"
        f" ({total / args.seconds:.0f}/s), errors {errors},"
        f" expected non-2xx {dict(tally.expected)}"
    )
    print(
        f"latency p50 {percentile(tally.latencies, 0.5) * 1000:.1f} ms,"
        f" p99 {percentile(tally.latencies, 0.99) * 1000:.1f} ms,"
        f" max {max(tally.latencies, default=0) * 1000:.1f} ms"
    )
    print(
        f"service RSS: start {_mib(memory['start'])}, after seeding {_mib(memory['seeded'])},"
        f" end {_mib(memory['end'])}; embedded database RSS: start {_mib(memory['db start'])},"
        f" end {_mib(memory['db end'])}"
    )
    print(
        "by operation and status: "
        + ", ".join(f"{k} {v}" for k, v in sorted(tally.statuses.items()))
    )
    if tally.errors:
        print("errors: " + ", ".join(f"{k} {v}" for k, v in sorted(tally.errors.items())))
    return 1 if errors else 0


async def run(args: argparse.Namespace) -> int:
    """Start (or reach) the service, seed, drive, stop; report."""
    process: Process | None = None
    temp: tempfile.TemporaryDirectory[str] | None = None
    pid: int | None = args.pid
    secret = args.secret or os.environ.get("PROFILES_JWT_SECRET", "")
    url = args.url
    if url is None:
        temp = tempfile.TemporaryDirectory(prefix="profiles-load-")
        secret = secrets.token_urlsafe(48)
        service = start_service(Path(temp.name), secret)
        process, url, pid = service.process, service.url, service.process.pid
        print(f"profiles serve: pid {pid}, {url}, log {service.log}")
    elif urlparse(url).hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit("--url must be on 127.0.0.1")
    if not secret:
        raise SystemExit("--secret (or PROFILES_JWT_SECRET) is needed with --url")
    limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=args.clients)
    memory: dict[str, int | None] = {}
    try:
        async with httpx.AsyncClient(base_url=url, timeout=30.0, limits=limits) as client:
            ready_s = await wait_ready(client, process)
            memory["start"] = rss_kib(pid)
            databases = children(pid) if pid else []
            database_pid = databases[0] if databases else None
            memory["db start"] = rss_kib(database_pid)
            print(f"ready in {ready_s:.1f} s; service RSS {_mib(memory['start'])}")
            seeded = time.monotonic()
            accounts = await seed(client, secret, args.users, secrets.token_hex(3))
            print(f"seeded {len(accounts)} users in {time.monotonic() - seeded:.1f} s")
            memory["seeded"] = rss_kib(pid)
            tally = await drive(client, accounts, args.clients, args.seconds)
            memory["end"] = rss_kib(pid)
            memory["db end"] = rss_kib(database_pid)
    finally:
        if process is not None:
            print(stop(process, timeout=60))
        if temp is not None:
            temp.cleanup()
    return report(args, tally, memory)


def main() -> None:
    """Parse the arguments and run the load; exit 1 when a request failed."""
    parser = cli.parser(__doc__)
    parser.add_argument("--url", help="a running service on 127.0.0.1 (default: start one)")
    parser.add_argument("--secret", help="its JWT secret (default: PROFILES_JWT_SECRET)")
    parser.add_argument("--pid", type=int, help="its process id, for the memory figures")
    cli.add_load(parser, clients=32, seconds=30.0, users=64)
    args = parser.parse_args()
    cli.require(
        1 <= args.clients <= 256 and 0 < args.seconds <= 600 and 1 <= args.users <= 5000,
        "bounds: 1-256 clients, up to 600 s, 1-5000 users",
    )
    sys.exit(asyncio.run(run(args)))


if __name__ == "__main__":
    main()

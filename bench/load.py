"""Load: a mix of reads, writes, switches and searches from concurrent clients.

Starts `profiles serve` as a child process (embedded database in a temporary data dir,
a free port on 127.0.0.1, a secret of its own, the rate limit off) unless `--url` names
a running service (then `--secret` or PROFILES_JWT_SECRET signs the tokens, and `--pid`
names its process for the memory figures). Creates `--users` accounts with a dancer
profile each (every other one also a choreographer profile), then runs `--clients`
clients for `--seconds` seconds. Prints requests, errors (any status other than the
expected ones: 2xx, and 409 for a switch that raced another), p50 and p99 latency, and
the service's resident memory (VmRSS) after start, after seeding and at the end.

    .venv/bin/python -m bench.load [--clients 32] [--seconds 30] [--users 64]
    .venv/bin/python -m bench.load --url http://127.0.0.1:8000 --secret ... --pid 1234
"""

import argparse
import asyncio
import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx

from service.platform.embedded import free_port
from service.platform.tokens import issue_token

CITIES = ["Atlanta, GA", "Berlin", "Lisbon", "New York, NY", "Los Angeles, CA", "Seoul"]
NAMES = ["Kira", "Jonas", "Amara", "Lucía", "Mateo", "Yuna", "Noor", "Ivan", "Zoë", "Tariq"]
SURNAMES = ["Martin", "Okafor", "García", "Kim", "Novak", "Haddad", "Silva", "Ivanova"]


@dataclass
class Account:
    sub: str
    headers: dict[str, str]
    dancer_id: str = ""
    two_profiles: bool = False


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    expected: Counter[str] = field(default_factory=Counter)


def rss_kib(pid: int | None) -> int | None:
    """VmRSS of `pid` in KiB (None when unknown or gone)."""
    if pid is None:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def children_of(pid: int) -> list[int]:
    """Direct child processes of `pid` (the embedded database, for `profiles serve`)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found.extend(int(c) for c in (task / "children").read_text().split())
        except OSError:
            continue
    return found


def _mib(kib: int | None) -> str:
    return "?" if kib is None else f"{kib / 1024:.1f} MiB"


def start_service(data_dir: Path, secret: str) -> tuple[subprocess.Popen[bytes], str, Path]:
    """`profiles serve` on a free port with the embedded database in `data_dir`."""
    port = free_port()
    env = {
        **os.environ,
        "PROFILES_DATA_DIR": str(data_dir),
        "PROFILES_PORT": str(port),
        "PROFILES_HOST": "127.0.0.1",
        "PROFILES_JWT_SECRET": secret,
        "PROFILES_RATE_LIMIT_PER_SECOND": "0",
        "PROFILES_LOG_FORMAT": "json",
    }
    env.pop("PROFILES_MONGODB_URL", None)
    log = data_dir / "serve.log"
    with open(log, "ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "service.cli.main", "serve"],
            env=env,
            stdout=output,
            stderr=output,
        )
    return process, f"http://127.0.0.1:{port}", log


async def wait_ready(client: httpx.AsyncClient, process: subprocess.Popen[bytes] | None) -> float:
    started = time.monotonic()
    while time.monotonic() - started < 180:
        if process is not None and process.poll() is not None:
            raise SystemExit(f"profiles serve exited with code {process.returncode}")
        try:
            if (await client.get("/health/ready")).status_code == 200:
                return time.monotonic() - started
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.25)
    raise SystemExit("the service did not become ready within 180 s")


async def seed(client: httpx.AsyncClient, secret: str, users: int, run: str) -> list[Account]:
    chooser = random.Random(run)
    accounts: list[Account] = []

    async def one(index: int) -> Account:
        sub = f"load-{run}-{index}"
        account = Account(sub, {"Authorization": f"Bearer {issue_token(secret, sub, [], 7200)}"})
        name = f"{chooser.choice(NAMES)} {chooser.choice(SURNAMES)}"
        body = {
            "profileType": "dancer",
            "fullName": name,
            "workLocation": chooser.sample(CITIES, 2),
            "bio": f"dancer number {index}",
        }
        response = await client.post("/v1/me/onboarding", json=body, headers=account.headers)
        response.raise_for_status()
        account.dancer_id = response.json()["id"]
        if index % 2 == 0:
            added = await client.post(
                "/v1/me/profiles",
                json={"profileType": "choreographer", "companyName": f"Company {index}"},
                headers=account.headers,
            )
            added.raise_for_status()
            account.two_profiles = True
        return account

    for start in range(0, users, 16):
        accounts.extend(
            await asyncio.gather(*(one(i) for i in range(start, min(start + 16, users))))
        )
    return accounts


Request = tuple[str, str, str, Any]
"""(operation, method, path, JSON body or, for a GET, query parameters)"""


def _request(chooser: random.Random, account: Account) -> Request:
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
        prefix = chooser.choice(NAMES + SURNAMES)[: chooser.randint(1, 4)].lower()
        return "search q", "GET", "/v1/dancers", {"q": prefix, "limit": 20}
    if roll < 0.95:
        city = chooser.choice(CITIES)
        return "search filter", "GET", "/v1/search", {"location": city, "q": "a"}
    return "list mine", "GET", "/v1/me/profiles", None


async def drive(
    client: httpx.AsyncClient, accounts: list[Account], clients: int, seconds: float
) -> Tally:
    tally = Tally()
    deadline = time.monotonic() + seconds

    async def worker(number: int) -> None:
        chooser = random.Random(number)
        while time.monotonic() < deadline:
            account = chooser.choice(accounts)
            operation, method, path, body = _request(chooser, account)
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


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


async def run(args: argparse.Namespace) -> int:
    process: subprocess.Popen[bytes] | None = None
    temp: tempfile.TemporaryDirectory[str] | None = None
    pid: int | None = args.pid
    secret = args.secret or os.environ.get("PROFILES_JWT_SECRET", "")
    url = args.url
    if url is None:
        temp = tempfile.TemporaryDirectory(prefix="profiles-load-")
        secret = secrets.token_urlsafe(48)
        process, url, log = start_service(Path(temp.name), secret)
        pid = process.pid
        print(f"profiles serve: pid {pid}, {url}, log {log}")
    elif urlparse(url).hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit("--url must be on 127.0.0.1")
    if not secret:
        raise SystemExit("--secret (or PROFILES_JWT_SECRET) is needed with --url")
    limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=args.clients)
    try:
        async with httpx.AsyncClient(base_url=url, timeout=30.0, limits=limits) as client:
            ready_s = await wait_ready(client, process)
            rss_start = rss_kib(pid)
            database_pid = children_of(pid)[0] if pid and children_of(pid) else None
            db_start = rss_kib(database_pid)
            print(f"ready in {ready_s:.1f} s; service RSS {_mib(rss_start)}")
            run_id = secrets.token_hex(3)
            seeded = time.monotonic()
            accounts = await seed(client, secret, args.users, run_id)
            print(f"seeded {len(accounts)} users in {time.monotonic() - seeded:.1f} s")
            rss_seeded = rss_kib(pid)
            tally = await drive(client, accounts, args.clients, args.seconds)
            rss_end = rss_kib(pid)
            db_end = rss_kib(database_pid)
    finally:
        if process is not None:
            stopping = time.monotonic()
            process.send_signal(signal.SIGTERM)
            try:
                code = process.wait(timeout=60)
                print(f"stopped (SIGTERM) in {time.monotonic() - stopping:.1f} s, exit {code}")
            except subprocess.TimeoutExpired:
                process.kill()
                print("did not stop within 60 s of SIGTERM: killed")
        if temp is not None:
            temp.cleanup()
    total = sum(tally.statuses.values())
    errors = sum(tally.errors.values())
    print(
        f"{args.clients} clients, {args.seconds:.0f} s: {total} requests"
        f" ({total / args.seconds:.0f}/s), errors {errors},"
        f" expected non-2xx {dict(tally.expected)}"
    )
    print(
        f"latency p50 {_percentile(tally.latencies, 0.5) * 1000:.1f} ms,"
        f" p99 {_percentile(tally.latencies, 0.99) * 1000:.1f} ms,"
        f" max {max(tally.latencies, default=0) * 1000:.1f} ms"
    )
    print(
        f"service RSS: start {_mib(rss_start)}, after seeding {_mib(rss_seeded)},"
        f" end {_mib(rss_end)}; embedded database RSS: start {_mib(db_start)},"
        f" end {_mib(db_end)}"
    )
    print(
        "by operation and status: "
        + ", ".join(f"{k} {v}" for k, v in sorted(tally.statuses.items()))
    )
    if tally.errors:
        print("errors: " + ", ".join(f"{k} {v}" for k, v in sorted(tally.errors.items())))
    return 1 if errors else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running service on 127.0.0.1 (default: start one)")
    parser.add_argument("--secret", help="its JWT secret (default: PROFILES_JWT_SECRET)")
    parser.add_argument("--pid", type=int, help="its process id, for the memory figures")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--users", type=int, default=64)
    args = parser.parse_args()
    if not 1 <= args.clients <= 256 or not 0 < args.seconds <= 600 or not 1 <= args.users <= 5000:
        raise SystemExit("bounds: 1-256 clients, up to 600 s, 1-5000 users")
    sys.exit(asyncio.run(run(args)))


if __name__ == "__main__":
    main()

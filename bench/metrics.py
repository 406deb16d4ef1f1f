"""`python -m bench.metrics`: what scraping `/metrics` costs everyone else.

A running `profiles serve` (embedded database, as `make run`) is read by other callers
(`--callers` clients, each reading one profile again and again) through three kinds of
period, taking turns so that a slow spell of the shared machine hits each alike:
- quiet: the callers alone;
- control: a burst of `--scrapes` requests at concurrency `--scrape-concurrency` sent,
  by the same load generator, to a stand-in server that answers a page of the same size
  and does nothing else: what the load generator's own work costs the machine;
- burst: the same burst sent to the service's `/metrics`.
The load generator and the stand-in run on a core of their own (Linux), the service,
its database and the callers on the others.

Figures: the callers' p50 in each kind of period; the ratio burst/control is what the
scrapes cost the service's other callers (goal: at most 2x), burst/quiet what they cost
on this machine in all (on 2 cores the control alone moves it about 2.5x). Counted, not
timed: the database measurements the scrapes caused (one ping and one read each).
"""

import asyncio
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.crafted.scrape import scrape
from bench.harness.cli import add_rounds, parser, progress
from bench.harness.processes import start_service, stop, wait_ready
from bench.harness.timing import Goal, percentile, ratio, ratio_text, rotated, summary_line
from bench.harness.tokens import bearer
from service.platform.embedded import free_port

GOAL = Goal("<=", 2.0)
WARM_UP = 50
KINDS = ["quiet", "control", "burst"]

OWN_CORE = """
import os
if hasattr(os, "sched_setaffinity") and len(os.sched_getaffinity(0)) > 1:
    os.sched_setaffinity(0, {max(os.sched_getaffinity(0))})
"""

SCRAPER = (
    OWN_CORE
    + """
import asyncio, sys, time
import httpx

async def main(url, path, scrapes, concurrency):
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        async def scraper(left):
            for _ in left:
                (await client.get(path)).raise_for_status()

        warm = iter(range(concurrency))
        await asyncio.gather(*(scraper(warm) for _ in range(concurrency)))
        print("ready", flush=True)
        sys.stdin.readline()
        left = iter(range(scrapes))
        started = time.perf_counter()
        await asyncio.gather(*(scraper(left) for _ in range(concurrency)))
        print(time.perf_counter() - started, flush=True)

url, path, scrapes, concurrency = sys.argv[1:]
asyncio.run(main(url, path, int(scrapes), int(concurrency)))
"""
)
"""The load generator (an httpx client, as a scraper or a script would use): connects
(one request per connection), says `ready`, runs its burst when a line arrives on stdin
and prints the seconds it took."""

STAND_IN = (
    OWN_CORE
    + """
import asyncio, sys

port, size = int(sys.argv[1]), int(sys.argv[2])
body = b"#" * size
answer = b"HTTP/1.1 200 OK\\r\\ncontent-type: text/plain\\r\\ncontent-length: %d\\r\\n\\r\\n" % size

async def serve(reader, writer):
    try:
        while True:
            await reader.readuntil(b"\\r\\n\\r\\n")
            writer.write(answer + body)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        writer.close()

async def main():
    server = await asyncio.start_server(serve, "127.0.0.1", port)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()

asyncio.run(main())
"""
)
"""A server that answers every request with `size` bytes and does nothing else."""


async def _python(code: str, *arguments: str) -> asyncio.subprocess.Process:
    """`code` run by this Python, ready once it printed `ready`."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        code,
        *arguments,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    if (await process.stdout.readline()).strip() != b"ready":
        raise SystemExit(f"a helper process exited with code {await process.wait()}")
    return process


class Burst:
    """A scraper process, connected and waiting: `run()` sets it off."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    @classmethod
    async def ready(cls, url: str, path: str, scrapes: int, concurrency: int) -> "Burst":
        return cls(await _python(SCRAPER, url, path, str(scrapes), str(concurrency)))

    async def run(self) -> float:
        """Seconds the burst took."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(b"go\n")
        await self.process.stdin.drain()
        seconds = float(await self.process.stdout.readline())
        if await self.process.wait() != 0:
            raise SystemExit("a scrape failed")
        return seconds


def _leave_the_last_core() -> None:
    """This process and what it starts (the service and its database) off the last core,
    which the load generator and the stand-in take (Linux; elsewhere all share all)."""
    if hasattr(os, "sched_setaffinity"):
        cores = os.sched_getaffinity(0)
        if len(cores) > 1:
            os.sched_setaffinity(0, cores - {max(cores)})


async def caller(
    client: httpx.AsyncClient,
    path: str,
    headers: dict[str, str],
    until: asyncio.Event,
    took: list[float],
) -> None:
    """Read `path` again and again until `until` is set, each read's seconds in `took`."""
    while not until.is_set():
        started = time.perf_counter()
        response = await client.get(path, headers=headers)
        took.append(time.perf_counter() - started)
        response.raise_for_status()


async def period(
    client: httpx.AsyncClient,
    path: str,
    headers: dict[str, str],
    callers: int,
    burst: Burst | None,
    quiet_seconds: float,
) -> tuple[list[float], float]:
    """The callers' read times during one period, and its seconds: as long as `burst`
    when there is one, else `quiet_seconds`."""
    took: list[float] = []
    until = asyncio.Event()
    readers = [
        asyncio.create_task(caller(client, path, headers, until, took)) for _ in range(callers)
    ]
    try:
        if burst is not None:
            seconds = await burst.run()
        else:
            await asyncio.sleep(quiet_seconds)
            seconds = quiet_seconds
    finally:
        until.set()
        await asyncio.gather(*readers)
    return took, seconds


async def run(callers: int, scrapes: int, concurrency: int, rounds: int, scrape_path: str) -> None:
    _leave_the_last_core()
    secret = secrets.token_urlsafe(32)
    reads: dict[str, list[float]] = {kind: [] for kind in KINDS}
    seconds: dict[str, list[float]] = {kind: [] for kind in KINDS}
    stand_in: asyncio.subprocess.Process | None = None
    with tempfile.TemporaryDirectory(prefix="profiles-bench-metrics-") as temp:
        service = start_service(Path(temp), secret)
        try:
            async with httpx.AsyncClient(base_url=service.url, timeout=60) as client:
                await wait_ready(client, service.process)
                created = await client.post(
                    "/v1/me/onboarding",
                    json={"profileType": "dancer", "fullName": "Mia Metric"},
                    headers=bearer(secret, "metrics-bench-owner"),
                )
                created.raise_for_status()
                path = f"/v1/dancers/{created.json()['id']}"
                reader = bearer(secret, "metrics-bench-reader")
                for _ in range(WARM_UP):
                    (await client.get(path, headers=reader)).raise_for_status()
                page = len((await client.get(scrape_path)).content)
                stand_in_port = free_port()
                stand_in = await _python(STAND_IN, str(stand_in_port), str(page))
                targets = {"control": f"http://127.0.0.1:{stand_in_port}", "burst": service.url}
                before = await scrape(client)
                for number in range(rounds):
                    for kind in rotated(KINDS, number):
                        burst = None
                        if kind in targets:
                            burst = await Burst.ready(
                                targets[kind], scrape_path, scrapes, concurrency
                            )
                        quiet_seconds = statistics.mean(seconds["burst"] or [0.5])
                        took, lasted = await period(
                            client, path, reader, callers, burst, quiet_seconds
                        )
                        reads[kind] += took
                        seconds[kind].append(lasted)
                    progress(f"round {number + 1}/{rounds}")
                after = await scrape(client)
        finally:
            if stand_in is not None:
                stand_in.kill()
                await stand_in.wait()
            progress(f"service: {stop(service.process)}")

    p50 = {kind: percentile(reads[kind], 0.5) for kind in KINDS}
    measurements = after.commands_since(before).get("ping", 0)
    print(
        f"{callers} callers reading one profile; bursts of {scrapes} requests for"
        f" {scrape_path} at concurrency {concurrency} ({page} bytes a page); {rounds} rounds"
    )
    for kind in KINDS:
        print(
            f"{kind:>7}: reads p50 {p50[kind] * 1000:.1f} ms, p99"
            f" {percentile(reads[kind], 0.99) * 1000:.1f} ms ({len(reads[kind])} reads;"
            f" a period {statistics.mean(seconds[kind]):.2f} s)"
        )
    print(
        f"database measurements the scrapes caused: {measurements}"
        f" ({scrapes * rounds} scrapes in {sum(seconds['burst']):.1f} s)"
    )
    print(f"burst/quiet p50 (the machine in all): {ratio(p50['burst'], p50['quiet']):.2f}")
    print(
        summary_line(
            ratio_text(
                "reads p50 during scrapes / during the control burst:",
                ratio(p50["burst"], p50["control"]),
                GOAL,
            )
        )
    )


def main() -> None:
    arguments = parser(__doc__)
    arguments.add_argument("--callers", type=int, default=4, help="clients reading (4)")
    arguments.add_argument("--scrapes", type=int, default=200, help="requests a burst (200)")
    arguments.add_argument(
        "--scrape-concurrency", type=int, default=20, help="requests at a time (20)"
    )
    arguments.add_argument(
        "--path", default="/metrics", help="what a burst asks for (/metrics; compare: /health/live)"
    )
    add_rounds(arguments, 5, "rounds of one period of each kind")
    options = arguments.parse_args()
    asyncio.run(
        run(
            options.callers,
            options.scrapes,
            options.scrape_concurrency,
            options.rounds,
            options.path,
        )
    )


if __name__ == "__main__":
    main()

"""Another user's `GET /v1/dancers/{id}`, one request at a time for a window: alone,
while crafted searches run, and just after a caller abandoned some."""

import asyncio
import time
from dataclasses import dataclass, field

import httpx

from bench.crafted.queries import PATH, Search
from bench.crafted.scrape import IDLE_POLL, scrape, wait_idle
from bench.harness.timing import percentile

LONG_TIMEOUT = 600.0
"""of a crafted search that is not to be abandoned"""
IDLE_LIMIT = 600.0
"""the longest the benchmark waits for the service to finish abandoned work"""


@dataclass
class Victim:
    """The victim's client, token and profile, and the service's base URL."""

    client: httpx.AsyncClient
    headers: dict[str, str]
    path: str
    base_url: str

    async def window(self, seconds: float) -> list[float]:
        """Latencies of serial reads of the profile for `seconds`."""
        latencies: list[float] = []
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            started = time.perf_counter()
            response = await self.client.get(self.path, headers=self.headers)
            latencies.append(time.perf_counter() - started)
            response.raise_for_status()
        return latencies


@dataclass
class Loaded:
    """The victim's latencies while crafted searches ran, and what the load did."""

    latencies: list[float]
    completed: int = 0
    """crafted searches that ended within the window"""
    abandoned: int = 0
    """crafted searches still running when the window ended (their connections closed)"""
    busy_after: float = 0.0
    """seconds the service kept handling requests after the load stopped"""
    statuses: dict[str, int] = field(default_factory=dict)

    @property
    def p50(self) -> float:
        """The victim's median latency, in seconds."""
        return percentile(self.latencies, 0.5)


async def under_load(
    victim: Victim, headers: dict[str, str], crafted: list[Search], seconds: float
) -> Loaded:
    """Each of `crafted` in a loop of its own (one connection each) while the victim
    reads for `seconds` (starting one second in, when every search is in flight); then
    the loops stop, the searches in flight are abandoned (connections closed), and the
    time the service takes to be idle again is measured."""
    loaded = Loaded([])
    stop = asyncio.Event()
    limits = httpx.Limits(max_connections=len(crafted))
    async with httpx.AsyncClient(
        base_url=victim.base_url, timeout=LONG_TIMEOUT, limits=limits
    ) as attacker:

        async def loop(which: Search) -> None:
            while not stop.is_set():
                response = await attacker.get(PATH, params=which.params, headers=headers)
                status = str(response.status_code)
                loaded.statuses[status] = loaded.statuses.get(status, 0) + 1
                loaded.completed += 1

        tasks = [asyncio.create_task(loop(which)) for which in crafted]
        await asyncio.sleep(1.0)
        loaded.latencies = await victim.window(seconds)
        stop.set()
        loaded.abandoned = sum(not task.done() for task in tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    loaded.busy_after = await wait_idle(victim.client, IDLE_LIMIT)
    return loaded


async def after_abandoning(
    victim: Victim,
    headers: dict[str, str],
    crafted: list[Search],
    *,
    after: float,
    wait: float,
    seconds: float,
) -> Loaded:
    """A caller starts each of `crafted` at once and gives up on those not answered
    within `after` seconds (timeout, connection closed); `wait` seconds after that the
    victim reads for `seconds`. `busy_after`: seconds from the abandonment until the
    service was idle (polled during the wait, else after the victim's window)."""
    loaded = Loaded([])
    async with httpx.AsyncClient(base_url=victim.base_url, timeout=after) as caller:
        answers = await asyncio.gather(
            *(caller.get(PATH, params=which.params, headers=headers) for which in crafted),
            return_exceptions=True,
        )
    abandoned_at = time.monotonic()
    for answer in answers:
        if isinstance(answer, httpx.Response):
            loaded.completed += 1
            status = str(answer.status_code)
        else:
            loaded.abandoned += 1
            status = type(answer).__name__
        loaded.statuses[status] = loaded.statuses.get(status, 0) + 1
    idle_at = None
    while time.monotonic() - abandoned_at < wait:
        if idle_at is None and (await scrape(victim.client)).in_progress == 0:
            idle_at = time.monotonic() - abandoned_at
        await asyncio.sleep(min(IDLE_POLL, max(0.0, wait - (time.monotonic() - abandoned_at))))
    loaded.latencies = await victim.window(seconds)
    if idle_at is None:
        await wait_idle(victim.client, IDLE_LIMIT)
        idle_at = time.monotonic() - abandoned_at
    loaded.busy_after = idle_at
    return loaded

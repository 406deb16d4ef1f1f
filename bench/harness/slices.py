"""Slices of HTTP load: concurrent clients, each on its own accounts, sending requests
for a fixed time; what they measured (requests ended within the window, latencies,
errors) and the CPU time the server, the database and this process used meanwhile."""

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.harness.accounts import Account
from bench.harness.processes import cpu_seconds
from bench.harness.timing import percentile

Request = tuple[str, str, Any, Any]
"""(method, path, JSON body, query parameters)"""
MakeRequest = Callable[[Account, int], Request]
"""Request number `n` of a client, on an account's own resources."""


@dataclass
class Sample:
    """What one or more slices of load measured."""

    latencies: list[float] = field(default_factory=list)
    """of every request, those that ended after the slice's window included"""
    in_window: int = 0
    """requests that ended within the windows"""
    seconds: float = 0.0
    """length of the windows"""
    errors: Counter[str] = field(default_factory=Counter)
    cpu: dict[str, float] = field(default_factory=dict)
    """CPU seconds used meanwhile, by process name (`client`: this process)"""

    @property
    def rps(self) -> float:
        """Requests per second: those that ended within the windows, over their length."""
        return self.in_window / self.seconds if self.seconds else 0.0

    def p(self, fraction: float) -> float:
        """A latency percentile, in milliseconds."""
        return percentile(self.latencies, fraction) * 1000

    def add(self, other: "Sample") -> None:
        """Pool `other` into this sample."""
        self.latencies.extend(other.latencies)
        self.in_window += other.in_window
        self.seconds += other.seconds
        self.errors.update(other.errors)
        for name, used in other.cpu.items():
            self.cpu[name] = self.cpu.get(name, 0.0) + used

    def cpu_ms(self, name: str) -> float:
        """CPU milliseconds of process `name` per request."""
        return self.cpu.get(name, 0.0) * 1000 / max(len(self.latencies), 1)


def cpu_now(pids: Mapping[str, int | None]) -> dict[str, float]:
    """CPU seconds so far of each process named, and of this one (`client`)."""
    return {**{name: cpu_seconds(pid) for name, pid in pids.items()}, "client": time.process_time()}


async def run_slice(
    client: httpx.AsyncClient,
    label: str,
    make_request: MakeRequest,
    groups: Sequence[Sequence[Account]],
    seconds: float,
    pids: Mapping[str, int | None],
) -> Sample:
    """`len(groups)` concurrent clients, each on its own accounts in turn, sending
    `make_request`'s requests for `seconds`; then the requests in flight end (not counted
    in the rate: the next slice starts on an idle server). Any status but 2xx is an
    error, counted under `label`. CPU time of the processes in `pids` and of this one."""
    sample = Sample(seconds=seconds)
    before = cpu_now(pids)
    deadline = time.monotonic() + seconds

    async def worker(index: int, accounts: Sequence[Account]) -> None:
        number = index
        while time.monotonic() < deadline:
            account = accounts[number % len(accounts)]
            method, path, body, params = make_request(account, number)
            number += 1
            started = time.perf_counter()
            try:
                response = await client.request(
                    method, path, json=body, params=params, headers=account.headers
                )
                status = str(response.status_code)
            except httpx.HTTPError as error:
                status = type(error).__name__
            sample.latencies.append(time.perf_counter() - started)
            sample.in_window += time.monotonic() <= deadline
            if not status.startswith("2"):
                sample.errors[f"{label} {status}"] += 1

    await asyncio.gather(*(worker(i, group) for i, group in enumerate(groups)))
    after = cpu_now(pids)
    sample.cpu = {name: after[name] - before[name] for name in after}
    return sample

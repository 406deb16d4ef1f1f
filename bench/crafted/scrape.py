"""What the running service says of itself on `GET /metrics` (no token): its database
counters (`service.platform.db_monitoring`) and the requests it is still handling."""

import asyncio
import time
from dataclasses import dataclass

import httpx
from prometheus_client.parser import text_string_to_metric_families

COMMANDS = "profiles_database_commands_total"
CREATED = "profiles_database_connections_created_total"
IN_PROGRESS = "profiles_requests_in_progress"
IDLE_POLL = 0.2


@dataclass(frozen=True)
class Scrape:
    """The counters of one scrape."""

    commands: dict[str, float]
    """commands sent so far, by command name"""
    connections: float
    """connections its pools created so far"""
    in_progress: float
    """requests being handled (`/metrics` itself is not counted)"""

    def commands_since(self, earlier: "Scrape") -> dict[str, int]:
        """Commands sent since `earlier`, by name (only those that moved)."""
        moved = {
            name: round(count - earlier.commands.get(name, 0.0))
            for name, count in self.commands.items()
        }
        return {name: count for name, count in moved.items() if count}


async def scrape(client: httpx.AsyncClient) -> Scrape:
    """One `GET /metrics`, parsed."""
    response = await client.get("/metrics")
    response.raise_for_status()
    commands: dict[str, float] = {}
    connections = in_progress = 0.0
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            if sample.name == COMMANDS:
                commands[sample.labels["command"]] = sample.value
            elif sample.name == CREATED:
                connections = sample.value
            elif sample.name == IN_PROGRESS:
                in_progress += sample.value
    return Scrape(commands, connections, in_progress)


async def commands_of(
    client: httpx.AsyncClient, request: httpx.Request
) -> tuple[dict[str, int], int]:
    """The database commands the service sent for `request`, by name (the counters
    moved across it, less what a scrape itself sends: its ping and migrations read,
    measured by two scrapes in a row just before), and the request's status."""
    first = await scrape(client)
    second = await scrape(client)
    status = (await client.send(request)).status_code
    third = await scrape(client)
    own = second.commands_since(first)
    moved = third.commands_since(second)
    commands = {
        name: moved.get(name, 0) - own.get(name, 0)
        for name in moved.keys() | own.keys()
        if moved.get(name, 0) != own.get(name, 0)
    }
    return commands, status


async def wait_idle(client: httpx.AsyncClient, limit: float) -> float:
    """Seconds until the service handles no request (abandoned ones included), polled
    every `IDLE_POLL` s; `limit` at most (then it is still busy)."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if (await scrape(client)).in_progress == 0:
            return time.monotonic() - started
        await asyncio.sleep(IDLE_POLL)
    return limit

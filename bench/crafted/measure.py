"""The figures of the crafted-search benchmark taken one request at a time: the
connections a cold process opens, the commands of a warm page, and the latency of the
typical and the crafted searches."""

from collections import Counter
from dataclasses import dataclass, field
from functools import partial

import httpx

from bench.crafted.queries import PATH, Search
from bench.crafted.scrape import commands_of, scrape
from bench.harness.timing import percentile, rotated, timed

COLD_REQUESTS = 20


@dataclass
class Measured:
    """One search of the mix: its page's items, the commands of a warm page, its timed
    calls and the statuses of all its requests."""

    search: Search
    items: int = -1
    commands: dict[str, int] = field(default_factory=dict)
    seconds: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    """of every request of it"""

    @property
    def command_count(self) -> int:
        """Database commands of one warm page."""
        return sum(self.commands.values())

    @property
    def p50(self) -> float:
        """Median of the timed calls, in seconds."""
        return percentile(self.seconds, 0.5)


async def search(client: httpx.AsyncClient, headers: dict[str, str], done: Measured) -> None:
    """One page of `done.search`; its status counted, its items recorded (a crafted
    search may end otherwise than 200, e.g. 503 past a deadline: that is measured too)."""
    response = await client.get(PATH, params=done.search.params, headers=headers)
    done.statuses[str(response.status_code)] += 1
    if response.status_code == 200:
        done.items = len(response.json()["items"])


def cold_requests(dancer_ids: list[str], typical: list[Search], crafted: list[Search]) -> list[str]:
    """`COLD_REQUESTS` paths with their query strings, of mixed kinds: profiles by id,
    typical and crafted searches on each path, the style list."""

    def on(path: str, which: Search) -> str:
        return str(httpx.URL(path, params=which.params))

    cycle = [
        on(PATH, typical[0]),
        "/v1/dancers/{id}",
        on("/v1/dancers", typical[1]),
        on(PATH, typical[3]),
        on(PATH, crafted[1]),
        on("/v1/choreographers", typical[2]),
        "/v1/dancers/{id}",
        "/v1/dance-styles",
        on(PATH, typical[2]),
        on(PATH, crafted[0]),
    ]
    paths = [cycle[index % len(cycle)] for index in range(COLD_REQUESTS)]
    return [path.replace("{id}", dancer_ids[n % len(dancer_ids)]) for n, path in enumerate(paths)]


@dataclass(frozen=True)
class Cold:
    """Connections a fresh service had created once ready (its start-up included) and
    after its first serial requests, and their statuses."""

    ready: float = 0.0
    after: float = 0.0
    statuses: Counter[str] = field(default_factory=Counter)


async def cold_connections(
    client: httpx.AsyncClient, headers: dict[str, str], paths: list[str]
) -> Cold:
    """The connection counter of the fresh service, then `paths` requested one at a
    time, then the counter again."""
    ready = (await scrape(client)).connections
    statuses: Counter[str] = Counter()
    for path in paths:
        statuses[str((await client.get(path, headers=headers)).status_code)] += 1
    return Cold(ready, (await scrape(client)).connections, statuses)


async def count_commands(
    client: httpx.AsyncClient, headers: dict[str, str], searches: list[Search]
) -> list[Measured]:
    """Each search's commands on a warm page: a request of it (its first page's items
    recorded), then the same request counted."""
    measured = []
    for which in searches:
        done = Measured(which)
        await search(client, headers, done)
        request = client.build_request("GET", PATH, params=which.params, headers=headers)
        done.commands, status = await commands_of(client, request)
        done.statuses[str(status)] += 1
        measured.append(done)
    return measured


async def time_searches(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    searches: list[Search],
    *,
    warmup: int,
    rounds: int,
) -> list[Measured]:
    """`warmup` untimed calls of each search, then `rounds` rounds of one timed call
    of each, their order rotating per round."""
    measured = [Measured(which) for which in searches]
    for done in measured:
        for _ in range(warmup):
            await search(client, headers, done)
    for number in range(rounds):
        for done in rotated(measured, number):
            done.seconds.append(await timed(partial(search, client, headers, done)))
    return measured


def pooled_p50(measured: list[Measured]) -> float:
    """The median over every timed call of `measured`, in seconds."""
    return percentile([seconds for done in measured for seconds in done.seconds], 0.5)

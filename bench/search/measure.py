"""Loading the sizes and measuring the mix on each: a probe per query (its plans
explained, its matches counted), then rounds of one timed call per query per size."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from functools import partial

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from bench.harness.cli import progress
from bench.harness.plans import explain_find
from bench.harness.processes import run_profiles
from bench.harness.timing import rotated, timed
from bench.search.queries import COUNTED, GROUPS, Case
from bench.wire import Document
from service.platform.caller import Caller
from service.platform.db import bind_documents, connect
from service.search.cursor import CursorCodec
from service.search.discovery import SearchResult, choose_backend, search_profiles
from service.search.query import SearchQuery
from tests.factories.drawn import PLANTED, load_profiles

WARMUP = 3
COUNT_PAGE = 100
SEED = 42
CALLER = Caller("bench")
CODEC = CursorCodec(b"bench")

Search = Callable[[SearchQuery], Awaitable[SearchResult]]


@dataclass
class Measurement:
    """What one query of the mix cost at one size."""

    case: Case
    seconds: list[float]
    results: int
    total: int | None
    typo: bool
    queries: int
    sorted_in_memory: int
    keys: int
    docs: int
    read: int

    def per_result(self, value: int) -> float:
        """`value` divided by the results on the first page (at least one)."""
        return value / max(1, self.results)


Measured = dict[int, dict[str, list[Measurement]]]
"""Per size and group, a measurement per query of the mix."""


async def count(search: Search, query: SearchQuery, size: int) -> int:
    """Every match of `query`, by following the cursors to the end."""
    page = replace(query, limit=COUNT_PAGE, facets=False)
    total = 0
    for _ in range(size + 2):
        result = await search(page)
        total += len(result.items)
        if result.next_cursor is None:
            return total
        page = replace(page, cursor=result.next_cursor)
    raise RuntimeError(f"paging {query} did not end after {size + 2} pages")


async def probe(
    db: AsyncDatabase[Document], search: Search, case: Case, size: int, *, counted: bool
) -> Measurement:
    """The warm-up calls of `case` at one size: the first one's queries explained, its
    matches counted (`counted`); no timed call yet."""
    first = await search(case.query)
    keys = docs = in_memory = 0
    for sent in first.stats.queries:
        explained = await explain_find(
            db, sent.collection, sent.filter, sort=sent.sort, limit=sent.limit
        )
        keys += explained.keys
        docs += explained.docs
        in_memory += explained.sorts_in_memory
    for _ in range(WARMUP - 1):
        await search(case.query)
    return Measurement(
        case=case,
        seconds=[],
        results=len(first.items),
        total=await count(search, case.query, size) if counted else None,
        typo=first.typo_tolerant,
        queries=len(first.stats.queries),
        sorted_in_memory=in_memory,
        keys=keys,
        docs=docs,
        read=first.stats.documents_read,
    )


async def load(url: str, client: AsyncMongoClient[Document], size: int) -> AsyncDatabase[Document]:
    """A fresh database migrated to the latest version (`profiles migrate up`), with
    `size` drawn profiles and the planted ones (not timed)."""
    db_name = f"bench_search_{size}"
    await client.drop_database(db_name)
    await asyncio.to_thread(run_profiles, ["migrate", "up"], url=url, db_name=db_name)
    progress(f"{size:,} profiles: loading into {db_name}")
    started = time.perf_counter()
    loaded = await load_profiles(client[db_name], size, seed=SEED, planted=PLANTED, say=progress)
    elapsed = time.perf_counter() - started
    print(
        f"{size:,} profiles: loaded {loaded['dancer']:,} dancers and"
        f" {loaded['choreographer']:,} choreographers ({len(PLANTED)} of them planted)"
        f" in {elapsed:.1f} s ({size / elapsed:,.0f} docs/s; not part of the results)",
        flush=True,
    )
    return client[db_name]


async def measure(url: str, sizes: list[int], rounds: int) -> Measured:
    """Load every size, probe every query at each, then `rounds` rounds of one timed
    call per query per size, the sizes in turn (their order rotating per round), so
    that a slow spell of the machine hits every size alike. The searches go through the
    service's use case (`search_profiles`) on the backend it chooses for this server."""
    client: AsyncMongoClient[Document] = AsyncMongoClient(url)
    databases = {size: await load(url, client, size) for size in sizes}
    service = await connect(url, databases[sizes[0]].name)
    try:
        backend = await choose_backend("tokens", "auto")

        async def search(query: SearchQuery) -> SearchResult:
            """One page of the service's search, as the benchmark's caller."""
            return await search_profiles(CALLER, query, CODEC, backend)

        measured: Measured = {}
        for size, raw in databases.items():
            await bind_documents(service.client[raw.name])
            measured[size] = {}
            for group, cases in GROUPS.items():
                progress(f"  {size:,}: probing {group}")
                measured[size][group] = [
                    await probe(raw, search, case, size, counted=group in COUNTED) for case in cases
                ]
        progress(f"timing: {rounds} rounds")
        for number in range(rounds):
            for size in rotated(sizes, number):
                await bind_documents(service.client[databases[size].name])
                for group in GROUPS:
                    for measurement in measured[size][group]:
                        call = partial(search, measurement.case.query)
                        measurement.seconds.append(await timed(call))
        return measured
    finally:
        await service.close()
        await client.close()

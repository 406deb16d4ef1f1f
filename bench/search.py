"""Search latency and plan cost at two sizes, on the embedded server.

For each size N, loads N generated profiles (`tests.factories.drawn`: about 80 % dancers,
20 % choreographers; loading is not timed) and the planted ones (`PLANTED`: the same 30
profiles at every size) into a fresh database migrated to the latest version; every size
is loaded before anything is timed. A fixed mix of searches then runs through the service
layer (`service.search.discovery.search_profiles`, `tokens` backend), first page only: a few
warm-up calls per query and size, then `--repeat` rounds of one timed call of every query
at every size, the sizes in turn, their order rotating per round, so that a slow spell of
the shared machine hits every size alike. The mix has three groups:

- selective: each query finds the `PLANTED_COPIES` planted profiles of its rare word and
  nothing else, at every size (checked at run time by paging to the end; a warning says
  otherwise), with the crowd around it: a common first name, a common prefix, a common
  style and city, both kinds. 10x the profiles is 10x everything but the answer: what a
  selective search is;
- share: rare words of the drawn profiles (a surname, two common words, a rare style in
  a city, a typo, a company word, an accented name): each matches under 1 % of the
  profiles, so 10x the profiles is 10x the matches, and the pages fill;
- broad: listings, a one-letter prefix, common filters, both kinds, facets.

Per size and group it prints the p50 and p95 latency over all calls of the group and,
per result returned, the index keys and documents the server examined (`explain` with
`executionStats` of every query one search sent) and the documents the service read;
then a line per query. At the end, each selective query's p50 at both sizes, and the
last line: the selective group's p50 (every call of its queries) at the largest size
over that at the smallest. The goal: under 2.

The server gets a larger WiredTiger cache than its 1G default (`--cache-size`, through a
`secantusd.toml` in the directory it starts from): with the default, inserts stall for
minutes once about 15,000 of these profiles (and their multikey index entries) are loaded.

    .venv/bin/python -m bench.search [--sizes 5000 50000 | --full] [--repeat 15]
        [--cache-size 8G | --cache-size default]
"""

import argparse
import asyncio
import math
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from bench.server import embedded_server
from documents.vocabulary import ProfileType
from migrations.runner import Runner, RunOptions
from service.platform.caller import Caller
from service.platform.db import bind_documents, connect
from service.search.backend import ExecutedQuery
from service.search.cursor import CursorCodec
from service.search.discovery import SearchResult, search_profiles
from service.search.query import SearchFilters, SearchQuery
from service.search.tokens.backend import TokensBackend
from tests.factories.drawn import PLANTED, PLANTED_COPIES, load_profiles

MongoDocument = dict[str, Any]

DEFAULT_SIZES = [5000, 50000]
FULL_SIZES = [10000, 100000]
WARMUP = 3
SHARE_LIMIT = 0.01
COUNT_PAGE = 100
SEED = 42
CACHE_SIZE = "8G"

DANCERS: tuple[ProfileType, ...] = ("dancer",)
CHOREOGRAPHERS: tuple[ProfileType, ...] = ("choreographer",)
EVERYONE: tuple[ProfileType, ...] = ("dancer", "choreographer")

CALLER = Caller("bench")
CODEC = CursorCodec(b"bench")
BACKEND = TokensBackend.for_server(sorts_in_memory=True)  # the embedded server


@dataclass(frozen=True)
class Case:
    """One query of the mix, with the label it is printed under."""

    label: str
    query: SearchQuery


def _six_shapes(
    surname: str, two_words: str, style: str, typo: str, company: str, accented: str
) -> list[Case]:
    """A surname, two words, a style in a city, a typo, a company word among verified
    choreographers and an accented name across both kinds."""
    return [
        Case(f"surname: {surname.lower()}", SearchQuery(kinds=DANCERS, text=surname)),
        Case(f"two words: {two_words}", SearchQuery(kinds=DANCERS, text=two_words)),
        Case(
            f"style + city: {style.lower()}, chicago",
            SearchQuery(
                kinds=DANCERS,
                filters=SearchFilters(styles=(style,), locations=("Chicago, IL",)),
            ),
        ),
        Case(f"one typo: {typo.lower()}", SearchQuery(kinds=DANCERS, text=typo)),
        Case(
            f"verified choreographers: {company}",
            SearchQuery(kinds=CHOREOGRAPHERS, text=company, filters=SearchFilters(verified=True)),
        ),
        Case(
            f"accented name, both kinds: {accented.lower()}",
            SearchQuery(kinds=EVERYONE, text=accented),
        ),
    ]


SELECTIVE = _six_shapes("Oyelaran", "anouk mar", "Bomba", "Wojciehowska", "tessellate", "Maëlys")
"""Each matches the planted profiles (`tests.factories.drawn.PLANTED`) of its rare word (a
rare first name with a common prefix; a rare style in a common city): `PLANTED_COPIES`
at every size (checked at run time)."""

SHARE = _six_shapes("Okonkwo", "sofia mar", "Tango", "Fitzgerold", "obsidian", "Inès")
"""Rare words of the drawn profiles (two common words): each matches a small share of
them (under 1 %), so 10x the profiles is 10x the matches."""

BROAD = [
    Case("dancers listing, no q", SearchQuery(kinds=DANCERS)),
    Case("both kinds, no q (/v1/search)", SearchQuery(kinds=EVERYONE)),
    Case("prefix a, both kinds", SearchQuery(kinds=EVERYONE, text="a")),
    Case("common style: hip-hop", SearchQuery(kinds=DANCERS, filters=SearchFilters(("Hip-Hop",)))),
    Case(
        "common city: los angeles",
        SearchQuery(kinds=DANCERS, filters=SearchFilters(locations=("Los Angeles, CA",))),
    ),
    Case("common word, both kinds: jazz", SearchQuery(kinds=EVERYONE, text="jazz")),
    Case(
        "facets on hip-hop",
        SearchQuery(kinds=DANCERS, filters=SearchFilters(styles=("Hip-Hop",)), facets=True),
    ),
]

GROUPS = {"selective": SELECTIVE, "share": SHARE, "broad": BROAD}
COUNTED = ("selective", "share")


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


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def _stages(plan: MongoDocument) -> list[str]:
    """The stage names of a plan tree."""
    found = [str(plan.get("stage"))]
    for key in ("inputStage", "queryPlan"):
        if isinstance(plan.get(key), dict):
            found += _stages(plan[key])
    for child in plan.get("inputStages", []):
        found += _stages(child)
    return found


async def _explain(db: AsyncDatabase[MongoDocument], query: ExecutedQuery) -> tuple[int, int, bool]:
    """Keys and documents the server examines for `query`, and whether its winning plan
    sorts in memory (a `SORT` stage) rather than reading the index in order."""
    command: MongoDocument = {"find": query.collection, "filter": query.filter}
    if query.sort is not None:
        command["sort"] = query.sort
    command["limit"] = query.limit
    result = await db.command("explain", command, verbosity="executionStats")
    stats = result.get("executionStats", {})
    stages = _stages(result.get("queryPlanner", {}).get("winningPlan", {}))
    return (
        int(stats.get("totalKeysExamined", 0)),
        int(stats.get("totalDocsExamined", 0)),
        "SORT" in stages,
    )


async def _search(query: SearchQuery) -> SearchResult:
    return await search_profiles(CALLER, query, CODEC, BACKEND)


async def _count(query: SearchQuery, size: int) -> int:
    """Every match of `query`, by following the cursors to the end."""
    page = replace(query, limit=COUNT_PAGE, facets=False)
    total = 0
    for _ in range(size + 2):
        result = await _search(page)
        total += len(result.items)
        if result.next_cursor is None:
            return total
        page = replace(page, cursor=result.next_cursor)
    raise RuntimeError(f"paging {query} did not end after {size + 2} pages")


async def _probe(
    db: AsyncDatabase[MongoDocument], case: Case, size: int, *, count: bool
) -> Measurement:
    """The first warm-up call of `case` at one size: its queries explained, its matches
    counted (`count`); no timed call yet."""
    probe = await _search(case.query)
    keys = docs = in_memory = 0
    for executed in probe.stats.queries:
        query_keys, query_docs, sorted_in_memory = await _explain(db, executed)
        keys += query_keys
        docs += query_docs
        in_memory += sorted_in_memory
    for _ in range(WARMUP - 1):
        await _search(case.query)
    return Measurement(
        case=case,
        seconds=[],
        results=len(probe.items),
        total=await _count(case.query, size) if count else None,
        typo=probe.typo_tolerant,
        queries=len(probe.stats.queries),
        sorted_in_memory=in_memory,
        keys=keys,
        docs=docs,
        read=probe.stats.documents_read,
    )


def _report(size: int, group: str, measured: list[Measurement]) -> None:
    calls = [seconds for m in measured for seconds in m.seconds]
    keys = sum(m.per_result(m.keys) for m in measured) / len(measured)
    docs = sum(m.per_result(m.docs) for m in measured) / len(measured)
    read = sum(m.per_result(m.read) for m in measured) / len(measured)
    print(
        f"  {group}: p50 {_percentile(calls, 0.5) * 1000:.1f} ms,"
        f" p95 {_percentile(calls, 0.95) * 1000:.1f} ms over {len(calls)} calls;"
        f" per result: {keys:,.1f} keys examined, {docs:,.1f} docs examined,"
        f" {read:,.1f} docs read by the service"
    )
    print(
        f"    {'query':<44} {'page':>4} {'total':>6} {'p50 ms':>8} {'keys/res':>9}"
        f" {'docs/res':>9} {'read/res':>9} {'queries':>7} {'sorts':>5}"
    )
    for m in measured:
        total = "-" if m.total is None else f"{m.total:,}"
        label = m.case.label + (" (typo pass)" if m.typo else "")
        print(
            f"    {label:<44} {m.results:>4} {total:>6}"
            f" {_percentile(m.seconds, 0.5) * 1000:>8.1f} {m.per_result(m.keys):>9,.1f}"
            f" {m.per_result(m.docs):>9,.1f} {m.per_result(m.read):>9,.1f}"
            f" {m.queries:>7} {m.sorted_in_memory:>5}"
        )
    for m in measured:
        if m.total is None:
            continue
        if group == "selective" and m.total != PLANTED_COPIES:
            print(
                f"  WARNING: {m.case.label!r} matched {m.total:,} profiles, not the"
                f" {PLANTED_COPIES} planted ones: the scaling ratio compares unlike work"
            )
        elif m.total >= SHARE_LIMIT * size:
            print(
                f"  WARNING: {m.case.label!r} matched {m.total:,} of {size:,} profiles"
                f" ({m.total / size:.1%}): not a small share (under {SHARE_LIMIT:.0%})"
            )


async def _load(client: AsyncMongoClient[MongoDocument], size: int) -> AsyncDatabase[MongoDocument]:
    """A fresh database migrated to the latest version, with `size` drawn profiles and
    the planted ones (not timed)."""
    db_name = f"bench_search_{size}"
    raw = client[db_name]
    await client.drop_database(db_name)
    await Runner(raw).up(RunOptions(say=lambda line: None))
    _say(f"{size:,} profiles: loading into {db_name}")
    started = time.perf_counter()
    loaded = await load_profiles(raw, size, seed=SEED, planted=PLANTED, say=_say)
    elapsed = time.perf_counter() - started
    print(
        f"{size:,} profiles: loaded {loaded['dancer']:,} dancers and"
        f" {loaded['choreographer']:,} choreographers ({len(PLANTED)} of them planted)"
        f" in {elapsed:.1f} s ({size / elapsed:,.0f} docs/s; not part of the results)",
        flush=True,
    )
    return raw


Measured = dict[int, dict[str, list[Measurement]]]
"""Per size and group, a measurement per query of the mix."""


async def _run(url: str, sizes: list[int], repeat: int) -> Measured:
    """Load every size, probe every query at each, then `repeat` rounds of one timed
    call per query per size, the sizes in turn (their order rotating per round), so
    that a slow spell of the machine hits every size alike."""
    client: AsyncMongoClient[MongoDocument] = AsyncMongoClient(url)
    databases = {size: await _load(client, size) for size in sizes}
    service = await connect(url, databases[sizes[0]].name)
    try:
        measured: Measured = {}
        for size, raw in databases.items():
            await bind_documents(service.client[raw.name])
            measured[size] = {}
            for group, cases in GROUPS.items():
                _say(f"  {size:,}: probing {group}")
                measured[size][group] = [
                    await _probe(raw, case, size, count=group in COUNTED) for case in cases
                ]
        _say(f"timing: {repeat} rounds")
        for round_index in range(repeat):
            shift = round_index % len(sizes)
            for size in sizes[shift:] + sizes[:shift]:
                await bind_documents(service.client[databases[size].name])
                for group in GROUPS:
                    for measurement in measured[size][group]:
                        started = time.perf_counter()
                        await _search(measurement.case.query)
                        measurement.seconds.append(time.perf_counter() - started)
        return measured
    finally:
        await service.close()
        await client.close()


def main() -> None:
    """Run the benchmark: a report per size, then the selective p50 ratio."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=None)
    parser.add_argument("--full", action="store_true", help=f"sizes {FULL_SIZES}")
    parser.add_argument("--repeat", type=int, default=15, help="timed calls per query")
    parser.add_argument(
        "--cache-size",
        default=CACHE_SIZE,
        help=f"the server's WiredTiger cache (default {CACHE_SIZE}; `default`: the server's)",
    )
    args = parser.parse_args()
    sizes: list[int] = args.sizes or (FULL_SIZES if args.full else DEFAULT_SIZES)
    with (
        tempfile.TemporaryDirectory() as storage,
        embedded_server(Path(storage), args.cache_size) as server,
    ):
        print(f"embedded server cache: {args.cache_size}", flush=True)
        measured = asyncio.run(_run(server.url, sorted(set(sizes)), args.repeat))
    for size, groups in measured.items():
        print(f"== {size:,} profiles ==")
        for group, measurements in groups.items():
            _report(size, group, measurements)
    selective = {size: groups["selective"] for size, groups in measured.items()}
    if len(selective) > 1:
        small, big = min(selective), max(selective)
        print(f"selective p50 per query, {small:,} and {big:,} profiles:")
        for at_small, at_big in zip(selective[small], selective[big], strict=True):
            p50_small, p50_big = _p50_ms(at_small), _p50_ms(at_big)
            print(
                f"  {at_small.case.label:<44} {p50_small:>7.1f} ms {p50_big:>7.1f} ms"
                f"  x{p50_big / p50_small:.2f}"
            )
        ratio = _pooled_p50(selective[big]) / _pooled_p50(selective[small])
        print(f"selective p50 ratio {big}/{small}: {ratio:.2f} (goal: under 2)")


def _p50_ms(measurement: Measurement) -> float:
    return _percentile(measurement.seconds, 0.5) * 1000


def _pooled_p50(measured: list[Measurement]) -> float:
    """The p50 over every call of every query."""
    return _percentile([seconds for m in measured for seconds in m.seconds], 0.5)


if __name__ == "__main__":
    main()

"""The run of the layout benchmark (`bench.layout`): build both layouts, check that they
hold the same people, explain, time in rounds, report."""

import asyncio
import math

from bson import ObjectId
from pymongo.asynchronous.database import AsyncDatabase

import bench.layout
from bench.harness import cli
from bench.harness.cli import progress
from bench.harness.server import embedded_server
from bench.harness.timing import rotated, timed
from bench.layout.build import BUILDS, LEGACY_APP_USERS
from bench.layout.cases import (
    CHOREOGRAPHER,
    CITY_INPUTS,
    FETCH_INPUTS,
    LEGACY_APP,
    PREFIX_INPUTS,
    READER,
    SIDES,
    Case,
    Person,
    Questions,
    Search,
    city_filter,
    city_token,
    fetch_inputs,
    listing,
    prefix_filter,
    prefix_token,
)
from bench.layout.people import CHOREOGRAPHER_SHARE
from bench.layout.queries import Cost
from bench.layout.report import (
    Ratios,
    Samples,
    report_build,
    report_costs,
    report_indexes,
    report_inputs,
    report_latency,
    report_sizes,
    summary,
)
from bench.wire import Document
from service.platform.db import connect
from service.profiles.by_id import get_profile
from service.search.cursor import CursorCodec
from service.search.discovery import SearchResult, choose_backend, search_profiles
from service.search.query import SearchQuery

DB_NAME = "bench_layout"
USERS = 10_000
FULL_USERS = 100_000
WARMUP_ROUNDS = 3

Cases = dict[str, list[Case]]


async def check_same_people(
    db: AsyncDatabase[Document], search: Search, people: list[Person]
) -> list[str]:
    """Lines comparing what each side finds: every listed choreographer of a city on
    every side; the same person fetched; prefix matches (they differ by design)."""
    lines = []
    for city in CITY_INPUTS:
        legacy = await db["users"].count_documents(city_filter(city))
        app = await db[LEGACY_APP_USERS].count_documents(city_filter(city))
        token = await city_token(search, city)
        new = await db["choreographers"].count_documents(listing(token).filter)
        verdict = "same" if legacy == new == app else "DIFFERENT"
        lines.append(f"  city {city}: legacy {legacy} matches, new {new} ({verdict})")
    same = 0
    for person in people:
        result = await get_profile(READER, CHOREOGRAPHER, str(person.profile_id))
        same += result.view.get("displayName") == person.display_name
    lines.append(f"  fetch: {same} of {len(people)} choreographers the same person on each side")
    for prefix in PREFIX_INPUTS:
        legacy = await db["users"].count_documents(prefix_filter(prefix))
        app = await db[LEGACY_APP_USERS].count_documents(prefix_filter(prefix, as_regex=True))
        if app != legacy:
            lines.append(f"  prefix q={prefix}: the regex and the range DIFFER: {app}, {legacy}")
        new = await db["choreographers"].count_documents(listing(prefix_token(prefix)).filter)
        lines.append(
            f"  prefix q={prefix}: legacy {legacy} (display name starts with it),"
            f" new {new} (any word starts with it)"
        )
    return lines


async def explain_cases(cases: Cases) -> dict[str, dict[str, Cost]]:
    """Per question and side, the costs summed over the question's inputs."""
    costs: dict[str, dict[str, Cost]] = {}
    for question, question_cases in cases.items():
        by_side = costs.setdefault(question, {})
        for case in question_cases:
            for side, explain in case.explains.items():
                by_side.setdefault(side, Cost()).add(await explain())
    return costs


async def run_rounds(cases: Cases, rounds: int, samples: Samples | None) -> None:
    """`rounds` rounds over every input of every question, the order of the sides
    rotating each round; the latencies go to `samples` (None: a warm-up)."""
    for number in range(rounds):
        order = rotated(SIDES, number)
        for question, question_cases in cases.items():
            for case in question_cases:
                for side in order:
                    seconds = await timed(case.calls[side])
                    if samples is not None:
                        samples[question][case.label][side].append(seconds)


async def measure(url: str, how: str, users: int, rounds: int, seed: int) -> Ratios:
    """Build both layouts in a fresh database (`how`: a key of `BUILDS`), check, explain,
    time; print the report and return new/legacy p50 per legacy side and question."""
    database = await connect(url, DB_NAME, operation_timeout_ms=None)
    db = database.database
    try:
        await database.client.drop_database(DB_NAME)
        progress(f"loading {users:,} people (seed {seed})")
        build = await BUILDS[how](url, db, users, seed)
        # the reader: an account that owns none of the profiles read (an account is
        # remembered for a minute; a caller with none is looked up on every read)
        await db["users"].insert_one({"_id": ObjectId(), "authId": READER.auth_id})
        backend = await choose_backend("tokens", "auto")
        codec = CursorCodec(b"bench-layout")

        async def search(query: SearchQuery) -> SearchResult:
            """One page of the service's search, as the reader."""
            return await search_profiles(READER, query, codec, backend)

        report_build(build)
        await report_indexes(db)
        await report_sizes(db)
        people = await fetch_inputs(db, FETCH_INPUTS)
        cases = await Questions(db, search).cases(people)
        print("the same people on both sides:")
        for line in await check_same_people(db, search, people):
            print(line)
        progress(f"warm-up ({WARMUP_ROUNDS} rounds)")
        await run_rounds(cases, WARMUP_ROUNDS, None)
        costs = await explain_cases(cases)
        report_costs(costs, cases)
        choreographers = await db[LEGACY_APP_USERS].count_documents({"profileType": CHOREOGRAPHER})
        print(
            f"  ({LEGACY_APP} on mongod: IXSCAN legacy_app_profileType for city and prefix,"
            f" keys = docs = the {choreographers:,} choreographers per call, then a sort in"
            " memory; the embedded server scans the collection instead)"
        )
        progress(f"timing ({rounds} rounds)")
        samples: Samples = {
            question: {case.label: {side: [] for side in SIDES} for case in question_cases}
            for question, question_cases in cases.items()
        }
        await run_rounds(cases, rounds, samples)
        report_inputs(samples)
        counts = {question: len(question_cases) for question, question_cases in cases.items()}
        return report_latency(samples, costs, counts, rounds)
    finally:
        await database.close()


def main() -> None:
    """Run the benchmark; the last line printed is the summary of the ratios."""
    parser = cli.parser(bench.layout.__doc__)
    parser.add_argument("--users", type=int, default=None, help="people (10000)")
    parser.add_argument("--full", action="store_true", help="100,000 people (unless --users)")
    cli.add_rounds(parser, 40, "timed rounds")
    parser.add_argument("--seed", type=int, default=7, help="of the drawn people (7)")
    cli.add_cache_size(parser, "4G")
    parser.add_argument(
        "--build",
        choices=sorted(BUILDS),
        default="generate",
        help="generate: both layouts from the same people (default); migrate: legacy users,"
        " then the real migrations (slow on SecantusDB: minutes above ~3,000 users)",
    )
    args = parser.parse_args()
    if args.users is None:
        args.users = FULL_USERS if args.full else USERS
    cli.require(
        args.users * CHOREOGRAPHER_SHARE >= FETCH_INPUTS,
        f"--users: at least {math.ceil(FETCH_INPUTS / CHOREOGRAPHER_SHARE)}",
    )
    cli.require(args.rounds >= 1, "--rounds: at least 1")
    print(
        f"layout benchmark: {args.users:,} users ({CHOREOGRAPHER_SHARE:.0%} choreographers),"
        f" seed {args.seed}, {args.rounds} rounds, build {args.build}, embedded server"
        f" (SecantusDB, cache {args.cache_size})",
        flush=True,
    )
    with embedded_server(args.cache_size) as server:
        ratios = asyncio.run(measure(server.url, args.build, args.users, args.rounds, args.seed))
    print(summary(ratios), flush=True)

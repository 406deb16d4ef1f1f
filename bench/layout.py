"""Legacy single `users` collection against the new `dancers` / `choreographers` layout:
the plan's success metric "choreographer queries 30 % faster" (new/legacy p50 <= 0.7).

One embedded server (SecantusDB), one database, one client, both layouts side by side:

- the legacy layout: `--users` generated legacy user documents (`shared/LEGACY.md`: the
  account and every profile field on the user, `profileType`, `searchPattern`), 2 %
  choreographers and the rest dancers, drawn deterministically (`--seed`) from the name,
  style and city lists of `tests.factories.drawn`. Clean values only (`profileType` exactly
  `"choreographer"`), so the legacy equality queries are at their best. Indexes on
  `users`, made for these questions as one would on real mongod (`LEGACY_INDEXES`):
  `(profileType, onboardingComplete, workLocation, displayName)` for the city listing
  (equalities, then the sort key: an in-order walk that stops at the page) and
  `(profileType, onboardingComplete, searchPattern)` for the name prefix (equalities,
  then the prefix as a range on the sort key), plus `_id` for the fetch;
- the new layout: the same people as `dancers` and `choreographers`, with the indexes
  the migrations create. `--build generate` (default): `migrations.runner.Runner(db).up`
  on the empty database (every index, every script applied but the destructive 0005, as
  after a deploy), then each generated legacy user is inserted together with the profile
  the backfill (0002 / 0003) makes of it, by the backfill's own `new_profile` (mapping,
  completeness, search fields), the user's references included; only the profile ids
  differ (derived from the user's id, so runs repeat exactly). `--build migrate`: the
  legacy users first, then the real migrations on them; the same documents, slower to
  build.

Questions, each over a fixed set of inputs:

a. city: listed choreographers working in a city, first page of 20. Legacy:
   `users.find({profileType: "choreographer", onboardingComplete: true, workLocation:
   <city>}).sort({displayName: 1}).limit(20)` (`onboardingComplete` is what `listed` was
   made from, so both sides list the same people). New: the service's search path,
   `service.search.discovery.search_profiles` with the `tokens` backend and a `location` filter, as
   `bench.search` calls it (listing order: completeness, then the id's spread).
b. fetch: one choreographer by id. Legacy: `users.find_one({_id})`. New: the service's
   read of one profile, `service.profiles.by_id.get_profile` (the profile by `_id`, the
   caller's account id to decide the view, remembered per process, the model and the
   public view), as a caller with an account who is not the owner (a caller with no
   account at all is looked up on every read: one more query).
c. prefix: choreographers whose name starts with a prefix, first page of 20. Legacy: the
   old app's anchored case-insensitive match on the lower-case `searchPattern` (which
   starts with the display name): the prefix lower-cased, as the range `[p, p + 1)` that
   mongod derives from `/^p/` (SecantusDB gives a `$regex` no index at all and scans
   the collection; the explain table shows that form too), sorted by `searchPattern`.
   New: the search path with `q=<prefix>` (any word of name, company, styles or cities;
   whole words first).

Timing: a warm-up, then `--rounds` rounds; a round runs every input of every question on
every side, the order of the sides rotating per round so that noise (another benchmark
on the machine) hits them alike. Per question: p50 and p95 per side and new/legacy p50.
A third side, "new query only", times the single natural query on the new collections
(`{listed: true, searchTokens: <token>}` sorted by `rankKey`, or `find_one({_id})`
without the search tokens, as the service reads a profile to show it),
without the service around it: it separates the layout from the service's own cost; it
is not part of the goal. Per question and side, `explain` (`executionStats`) of every
query sent gives the keys and documents the server examined. SecantusDB executes an
explained query without its limit and counts one key and one document per match, so
those are the matches of the index bounds (which it reads, then sorts in memory),
not what mongod would stop at. Loading and migrating are not timed; their time is
printed apart. The last line: `new/legacy p50: city .., fetch .., prefix .. (goal <= 0.7)`.

    .venv/bin/python -m bench.layout [--users 10000] [--rounds 40] [--seed 7]
        [--build generate | --build migrate] [--cache-size 4G | --cache-size default]
"""

import argparse
import asyncio
import math
import re
import struct
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import bson
from bson import ObjectId
from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase

from bench.server import embedded_server
from documents.derived.rank_key import rank_key
from documents.derived.search_fields import filter_token, filter_value
from documents.legacy.mirror import search_pattern
from documents.vocabulary import ProfileType
from migrations.collections import PROFILE_COLLECTIONS, USER_REF_FIELDS
from migrations.context import Batch, MigrationContext
from migrations.frozen.backfill_0002 import new_profile
from migrations.runner import Runner, RunOptions
from service.platform.caller import Caller
from service.platform.db import Database, connect
from service.profiles.by_id import get_profile
from service.profiles.store import DISPLAY_PROJECTION
from service.search.cursor import CursorCodec
from service.search.discovery import search_profiles
from service.search.query import SearchFilters, SearchQuery
from service.search.tokens.backend import TokensBackend
from tests.factories.drawn import Draws
from tests.factories.words import (
    BIOS,
    CITIES,
    COMPANY_KINDS,
    COMPANY_WORDS,
    FIRST_NAMES,
    GENDERS,
    LAST_NAMES,
    REPRESENTATION,
    STYLES,
)

MongoDocument = dict[str, Any]
Call = Callable[[], Awaitable[object]]

DEFAULT_USERS = 10_000
CHOREOGRAPHER_SHARE = 0.02
ONBOARDED_SHARE = 0.97
DEFAULT_ROUNDS = 40
WARMUP_ROUNDS = 3
PAGE = 20
SEED = 7
CACHE_SIZE = "4G"
INSERT_CHUNK = 1000
FETCH_INPUTS = 10
DB_NAME = "bench_layout"

CITY_INPUTS = ["Los Angeles, CA", "Chicago, IL", "Seattle, WA", "Kansas City, MO", "Boise, ID"]
PREFIX_INPUTS = ["a", "ma", "jos", "oli", "ste"]

LEGACY_INDEXES = [
    IndexModel(
        [
            ("profileType", ASCENDING),
            ("onboardingComplete", ASCENDING),
            ("workLocation", ASCENDING),
            ("displayName", ASCENDING),
        ],
        name="legacy_type_onboarded_city_name",
    ),
    IndexModel(
        [
            ("profileType", ASCENDING),
            ("onboardingComplete", ASCENDING),
            ("searchPattern", ASCENDING),
        ],
        name="legacy_type_onboarded_searchPattern",
    ),
]
BARE = "new query only"
SIDES = ("legacy", "new", BARE)
QUESTIONS = ("city", "fetch", "prefix")
CHOREOGRAPHER: ProfileType = "choreographer"
CALLER = Caller("bench-layout-viewer")
CODEC = CursorCodec(b"bench-layout")
BACKEND = TokensBackend.for_server(sorts_in_memory=True)  # the embedded server
EPOCH = datetime(2023, 1, 1, tzinfo=UTC)
SCHOOLS = ["Juilliard", "Broadway Dance Center", "Millennium", "The Ailey School", "Steps"]
HAIR = ["black", "brown", "blonde", "red", "grey"]
EYES = ["brown", "blue", "green", "hazel"]


def _say(line: str) -> None:
    """Progress, on stderr (the results go to stdout)."""
    print(line, file=sys.stderr, flush=True)


# --- the legacy users -------------------------------------------------------------------


class LegacyPeople(Draws):
    """Legacy user documents drawn from `random.Random(seed)`: the same seed and count,
    the same users, ids included. Exactly `CHOREOGRAPHER_SHARE` of them (rounded down)
    are choreographers, spread evenly; the rest are dancers."""

    def _profile_type(self) -> ProfileType:
        """Choreographer whenever `serial * share` passes a whole number."""
        before = math.floor((self.serial - 1) * CHOREOGRAPHER_SHARE)
        return (
            "choreographer" if math.floor(self.serial * CHOREOGRAPHER_SHARE) > before else "dancer"
        )

    def _media(self, created: datetime) -> MongoDocument:
        """Headshots, links and the training summary: how complete the profile is."""
        rng, serial = self.rng, self.serial
        return {
            "headshots": [
                {
                    "storageId": f"kg{serial:08d}h{index}",
                    "url": f"https://cdn.example.test/h/{serial}-{index}.jpg",
                    "title": "Headshot",
                    "position": index,
                    "uploadedAt": created,
                }
                for index in range(rng.choice((0, 1, 1, 2, 3)))
            ],
            "links": [
                {"label": "Instagram", "url": f"https://instagram.example.test/{serial}-{index}"}
                for index in range(rng.choice((0, 0, 1, 2)))
            ],
            "training": [
                {"name": rng.choice(SCHOOLS), "type": "class"} for _ in range(rng.choice((0, 1, 2)))
            ],
        }

    def _dancer_fields(self) -> MongoDocument:
        """What only dancers have on the legacy user."""
        rng = self.rng
        status = rng.choice(REPRESENTATION)
        fields: MongoDocument = {
            "attributes": {
                "gender": rng.choices(GENDERS, weights=(55, 38, 7))[0],
                "ethnicity": [],
                "hairColor": rng.choice(HAIR),
                "eyeColor": rng.choice(EYES),
                "height": {"feet": rng.choice((5, 5, 6)), "inches": rng.randrange(12)},
                "birthYear": rng.randrange(1975, 2006),
            },
            "sizing": {"shirt": rng.choice(("S", "M", "L")), "shoe": rng.randrange(5, 13)},
            "sagAftraId": f"SAG-{rng.randrange(1_000_000, 10_000_000)}"
            if rng.random() < 0.4
            else "",
            "representationStatus": status,
        }
        if status == "represented":
            fields["representation"] = {
                "agencyName": "Go 2 Talent",
                "agentName": "Agent",
                "email": "agent@agency.example.test",
                "phone": "+1 555 0100",
            }
        return fields

    def _choreographer_fields(self) -> MongoDocument:
        """What only choreographers have on the legacy user."""
        rng = self.rng
        company = rng.random() < 0.8
        name = f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_KINDS)}"
        return {"companyName": name if company else ""}

    def user(self) -> MongoDocument:
        """The next legacy user document."""
        rng = self.rng
        self.serial += 1
        profile_type = self._profile_type()
        first = self._pick(FIRST_NAMES, self._first)
        last = self._pick(LAST_NAMES, self._last)
        styles = self._distinct(STYLES, self._styles, rng.choice((1, 1, 2, 2, 3)))
        cities = self._distinct(CITIES, self._cities, rng.choice((1, 1, 1, 2)))
        created = EPOCH + timedelta(seconds=rng.randrange(0, 365 * 24 * 3600))
        user: MongoDocument = {
            "_id": ObjectId(struct.pack(">IQ", 0x64000000, self.serial)),
            "authId": f"user_{self.serial:08d}",
            "email": f"user{self.serial}@mail.example.test",
            "fullName": f"{first} {last}",
            "createdAt": created,
            "updatedAt": created + timedelta(seconds=rng.randrange(0, 90 * 24 * 3600)),
            "_creationTime": created.timestamp() * 1000.0,
            "profileType": profile_type,
            "onboardingComplete": rng.random() < ONBOARDED_SHARE,
            "displayName": f"{first} {last}",
            "bio": rng.choice(BIOS).format(first=first, style=styles[0], city=cities[0]),
            **self._media(created),
            "workLocation": cities,
            "resume": {"skills": [], "danceStyles": styles, "uploads": []},
        }
        user.update(
            self._dancer_fields() if profile_type == "dancer" else self._choreographer_fields()
        )
        user["searchPattern"] = search_pattern(user)
        return user


async def load_legacy_users(db: AsyncDatabase[MongoDocument], count: int, seed: int) -> int:
    """Insert `count` legacy users, `INSERT_CHUNK` at a time; returns the choreographers."""
    people = LegacyPeople(seed)
    choreographers = 0
    for done in range(0, count, INSERT_CHUNK):
        chunk = [people.user() for _ in range(min(INSERT_CHUNK, count - done))]
        choreographers += sum(user["profileType"] == CHOREOGRAPHER for user in chunk)
        await db["users"].insert_many(chunk, ordered=False)
        _progress(done + len(chunk), count, "legacy users")
    return choreographers


def _progress(done: int, count: int, what: str) -> None:
    """A progress line about every fifth of the way."""
    step = max(INSERT_CHUNK, count // 5)
    if done == count or done % step == 0:
        _say(f"  loading: {done:,} of {count:,} {what}")


# --- building both layouts --------------------------------------------------------------


@dataclass
class Build:
    """What loading made, and how long each step took (not part of the results)."""

    how: str
    users: int
    choreographers: int = 0
    issues: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    migration_lines: list[str] = field(default_factory=list)


async def _migrate(db: AsyncDatabase[MongoDocument], build: Build, step: str) -> None:
    """`profiles migrate up` (non-destructive: 0005 stays pending), timed as `step`."""
    started = time.perf_counter()
    await Runner(db).up(RunOptions(say=build.migration_lines.append))
    build.seconds[step] = time.perf_counter() - started


async def _legacy_indexes(db: AsyncDatabase[MongoDocument], build: Build) -> None:
    """The legacy layout's indexes on `users`."""
    started = time.perf_counter()
    await db["users"].create_indexes(LEGACY_INDEXES)
    build.seconds["legacy indexes built"] = time.perf_counter() - started


async def build_by_migrating(db: AsyncDatabase[MongoDocument], users: int, seed: int) -> Build:
    """Legacy users, then the real migrations (the new layout), then the legacy indexes.
    On SecantusDB the migrations' batches cost time quadratic in the users: slow above a
    few thousand."""
    build = Build("legacy users, then `migrate up` on them", users)
    started = time.perf_counter()
    build.choreographers = await load_legacy_users(db, users, seed)
    build.seconds["legacy users inserted"] = time.perf_counter() - started
    _say("  migrating: profiles migrate up (0005, destructive, stays pending)")
    await _migrate(db, build, "migrations (new layout)")
    build.issues = await db["migration_issues"].count_documents({})
    await _legacy_indexes(db, build)
    return build


def _profile_as_migrated(
    contexts: dict[ProfileType, MigrationContext], user: MongoDocument, batch: Batch
) -> tuple[ProfileType, MongoDocument]:
    """The profile 0002 / 0003 would write for `user` (`new_profile`, the backfill's
    own code), with an id derived from the user's (so runs repeat exactly) and its
    `rankKey` for that id; the user gains the references the backfill sets."""
    kind: ProfileType = user["profileType"]
    profile = new_profile(contexts[kind], kind, user, (0, 0), batch)
    profile_id = ObjectId(b"\x66" + user["_id"].binary[1:])
    profile["_id"] = profile_id
    profile["rankKey"] = rank_key(profile["completeness"], profile_id)
    user[USER_REF_FIELDS[kind]] = profile_id
    user["activeProfileType"] = kind
    return kind, profile


async def build_by_generating(db: AsyncDatabase[MongoDocument], users: int, seed: int) -> Build:
    """Both layouts from the same generated users: the migrations run on the empty
    database (every index and state as after a deploy), then each legacy user is
    inserted with the profile the backfill would make of it."""
    build = Build("both layouts from the same users; profiles made by the backfill's code", users)
    await _migrate(db, build, "migrations (empty database)")
    await _legacy_indexes(db, build)
    backfills: tuple[tuple[ProfileType, int], ...] = (("dancer", 2), ("choreographer", 3))
    contexts = {
        kind: MigrationContext(db, version=version, lock=None, transactions=False)
        for kind, version in backfills
    }
    people = LegacyPeople(seed)
    started = time.perf_counter()
    for done in range(0, users, INSERT_CHUNK):
        chunk = [people.user() for _ in range(min(INSERT_CHUNK, users - done))]
        batch = Batch(session=None)
        profiles: dict[ProfileType, list[MongoDocument]] = {"dancer": [], "choreographer": []}
        for user in chunk:
            kind, profile = _profile_as_migrated(contexts, user, batch)
            profiles[kind].append(profile)
        build.issues += len(batch.issues)
        build.choreographers += len(profiles["choreographer"])
        await db["users"].insert_many(chunk, ordered=False)
        for kind, documents in profiles.items():
            if documents:
                await db[PROFILE_COLLECTIONS[kind]].insert_many(documents, ordered=False)
        _progress(done + len(chunk), users, "users and their profiles")
    build.seconds["users and profiles inserted"] = time.perf_counter() - started
    return build


BUILDS = {"generate": build_by_generating, "migrate": build_by_migrating}


# --- the inputs and the calls of each side ----------------------------------------------


@dataclass(frozen=True)
class Person:
    """A choreographer in both layouts: the legacy user and the new profile."""

    user_id: ObjectId
    profile_id: ObjectId
    display_name: str


async def fetch_inputs(db: AsyncDatabase[MongoDocument], count: int) -> list[Person]:
    """`count` choreographers spread over the generation order, with their profile ids."""
    legacy = (
        await db["users"]
        .find({"profileType": CHOREOGRAPHER}, {"displayName": 1})
        .sort("_id", 1)
        .to_list()
    )
    step = max(1, len(legacy) // count)
    chosen = legacy[::step][:count]
    profiles = {
        p["userId"]: p["_id"]
        async for p in db["choreographers"].find(
            {"userId": {"$in": [u["_id"] for u in chosen]}}, {"userId": 1}
        )
    }
    return [Person(u["_id"], profiles[u["_id"]], u["displayName"]) for u in chosen]


@dataclass
class Cost:
    """What the server examined for one call: summed over the queries it sent."""

    queries: int = 0
    keys: int = 0
    docs: int = 0
    returned: int = 0
    plans: list[str] = field(default_factory=list)

    def add(self, other: "Cost") -> "Cost":
        """Add another query's (or call's) cost to this one; returns self."""
        self.queries += other.queries
        self.keys += other.keys
        self.docs += other.docs
        self.returned += other.returned
        self.plans += [plan for plan in other.plans if plan not in self.plans]
        return self


def _plan_name(plan: MongoDocument) -> str:
    """The index a winning plan scans (`IXSCAN name`), or its leaf stage."""
    while isinstance(plan.get("inputStage"), dict):
        plan = plan["inputStage"]
    if plan.get("stage") == "IXSCAN":
        return f"IXSCAN {plan.get('indexName')}"
    return str(plan.get("stage"))


@dataclass(frozen=True)
class Find:
    """One find, as it is run and as it is explained."""

    collection: str
    filter: MongoDocument
    sort: MongoDocument | None = None
    limit: int | None = None
    projection: MongoDocument | None = None

    async def run(self, db: AsyncDatabase[MongoDocument]) -> list[MongoDocument]:
        """The documents found."""
        cursor = db[self.collection].find(self.filter, self.projection)
        if self.sort is not None:
            cursor = cursor.sort(list(self.sort.items()))
        if self.limit is not None:
            cursor = cursor.limit(self.limit)
        return await cursor.to_list()

    async def explain(self, db: AsyncDatabase[MongoDocument]) -> Cost:
        """`explain` (`executionStats`) of this find."""
        command: MongoDocument = {"find": self.collection, "filter": self.filter}
        for name in ("sort", "limit", "projection"):
            if getattr(self, name) is not None:
                command[name] = getattr(self, name)
        result = await db.command("explain", command, verbosity="executionStats")
        stats = result.get("executionStats", {})
        plan = result.get("queryPlanner", {}).get("winningPlan", {})
        return Cost(
            queries=1,
            keys=int(stats.get("totalKeysExamined", 0)),
            docs=int(stats.get("totalDocsExamined", 0)),
            returned=int(stats.get("nReturned", 0)),
            plans=[f"{self.collection}: {_plan_name(plan)}"],
        )


Explain = Callable[[], Awaitable[Cost]]


@dataclass(frozen=True)
class Case:
    """One input of a question: the call each side makes, and how to explain it (the
    explained sides may include extra forms that are not timed)."""

    label: str
    calls: dict[str, Call]
    explains: dict[str, Explain]


def _find_call(db: AsyncDatabase[MongoDocument], find: Find) -> Call:
    """`find` run on `db`, as a call."""

    async def call() -> object:
        return await find.run(db)

    return call


def _find_explain(db: AsyncDatabase[MongoDocument], *finds: Find) -> Explain:
    """The summed explain of `finds`, as a call."""

    async def explain() -> Cost:
        cost = Cost()
        for find in finds:
            cost.add(await find.explain(db))
        return cost

    return explain


def _search_call(query: SearchQuery) -> Call:
    """The service's search path for `query` (`tokens` backend), as a call."""

    async def call() -> object:
        return await search_profiles(CALLER, query, CODEC, BACKEND)

    return call


def _search_explain(db: AsyncDatabase[MongoDocument], query: SearchQuery) -> Explain:
    """Every query one search sends: the backend's (the caller's account id and the
    per-level sample of `service.search.tokens.windowed` are remembered, so they are not
    counted)."""

    async def explain() -> Cost:
        result = await search_profiles(CALLER, query, CODEC, BACKEND)
        cost = Cost()
        for sent in result.stats.queries:
            find = Find(sent.collection, sent.filter, sent.sort, sent.limit)
            cost.add(await find.explain(db))
        return cost

    return explain


def city_filter(city: str) -> MongoDocument:
    """The legacy city listing's filter."""
    return {"profileType": CHOREOGRAPHER, "onboardingComplete": True, "workLocation": city}


def prefix_filter(prefix: str, *, as_regex: bool = False) -> MongoDocument:
    """The legacy name-prefix filter: `searchPattern` is lower-case, so the lower-cased
    prefix is case-insensitive; a range (what mongod derives from `/^p/`) or the regex."""
    folded = prefix.lower()
    if as_regex:
        bounds: MongoDocument = {"$regex": f"^{re.escape(folded)}"}
    else:
        bounds = {"$gte": folded, "$lt": folded[:-1] + chr(ord(folded[-1]) + 1)}
    return {"profileType": CHOREOGRAPHER, "onboardingComplete": True, "searchPattern": bounds}


def listing(token: str) -> Find:
    """The natural query of the new layout: listed choreographers holding `token`, in
    listing order, one page."""
    return Find("choreographers", {"listed": True, "searchTokens": token}, {"rankKey": 1}, PAGE)


def city_token(city: str) -> str:
    """The new layout's filter token of a city (`location:los angeles ca`)."""
    return filter_token("location", filter_value(city))


def prefix_token(prefix: str) -> str:
    """The new layout's token of a one-word prefix (folded, as the service folds `q`)."""
    return SearchQuery(kinds=(CHOREOGRAPHER,), text=prefix).words[0]


def city_case(db: AsyncDatabase[MongoDocument], city: str) -> Case:
    """Question a for one city."""
    legacy = Find("users", city_filter(city), {"displayName": 1}, PAGE)
    query = SearchQuery(kinds=(CHOREOGRAPHER,), filters=SearchFilters(locations=(city,)))
    bare = listing(city_token(city))
    return Case(
        city,
        {"legacy": _find_call(db, legacy), "new": _search_call(query), BARE: _find_call(db, bare)},
        {
            "legacy": _find_explain(db, legacy),
            "new": _search_explain(db, query),
            BARE: _find_explain(db, bare),
        },
    )


def fetch_case(db: AsyncDatabase[MongoDocument], person: Person) -> Case:
    """Question b for one choreographer."""
    legacy = Find("users", {"_id": person.user_id}, limit=1)
    bare = Find(
        "choreographers", {"_id": person.profile_id}, limit=1, projection=DISPLAY_PROJECTION
    )

    async def new() -> object:
        return await get_profile(CALLER, CHOREOGRAPHER, str(person.profile_id))

    return Case(
        person.display_name,
        {"legacy": _find_call(db, legacy), "new": new, BARE: _find_call(db, bare)},
        {
            "legacy": _find_explain(db, legacy),
            "new": _find_explain(db, bare),  # what `get_profile` sends (account id remembered)
            BARE: _find_explain(db, bare),
        },
    )


def prefix_case(db: AsyncDatabase[MongoDocument], prefix: str) -> Case:
    """Question c for one prefix."""
    sort = {"searchPattern": 1}
    legacy = Find("users", prefix_filter(prefix), sort, PAGE)
    regex = Find("users", prefix_filter(prefix, as_regex=True), sort, PAGE)
    query = SearchQuery(kinds=(CHOREOGRAPHER,), text=prefix)
    bare = listing(prefix_token(prefix))
    return Case(
        f"q={prefix}",
        {"legacy": _find_call(db, legacy), "new": _search_call(query), BARE: _find_call(db, bare)},
        {
            "legacy": _find_explain(db, legacy),
            "legacy as $regex": _find_explain(db, regex),
            "new": _search_explain(db, query),
            BARE: _find_explain(db, bare),
        },
    )


Cases = dict[str, list[Case]]
"""The cases of each question."""


def make_cases(db: AsyncDatabase[MongoDocument], people: list[Person]) -> Cases:
    """Every input of every question."""
    return {
        "city": [city_case(db, city) for city in CITY_INPUTS],
        "fetch": [fetch_case(db, person) for person in people],
        "prefix": [prefix_case(db, prefix) for prefix in PREFIX_INPUTS],
    }


async def explain_cases(cases: Cases) -> dict[str, dict[str, Cost]]:
    """Per question and side, the costs summed over the question's inputs."""
    costs: dict[str, dict[str, Cost]] = {}
    for question, question_cases in cases.items():
        by_side = costs.setdefault(question, {})
        for case in question_cases:
            for side, explain in case.explains.items():
                by_side.setdefault(side, Cost()).add(await explain())
    return costs


# --- checks: the same people on both sides ----------------------------------------------


async def check_same_people(db: AsyncDatabase[MongoDocument], people: list[Person]) -> list[str]:
    """Lines comparing what each side finds: every listed choreographer of a city on
    both sides; the same person fetched; prefix matches (they differ by design)."""
    lines = []
    for city in CITY_INPUTS:
        legacy = await db["users"].count_documents(city_filter(city))
        new = await db["choreographers"].count_documents(listing(city_token(city)).filter)
        verdict = "same" if legacy == new else "DIFFERENT"
        lines.append(f"  city {city}: legacy {legacy} matches, new {new} ({verdict})")
    same = 0
    for person in people:
        result = await get_profile(CALLER, CHOREOGRAPHER, str(person.profile_id))
        same += result.view.get("displayName") == person.display_name
    lines.append(f"  fetch: {same} of {len(people)} choreographers the same person on each side")
    for prefix in PREFIX_INPUTS:
        legacy = await db["users"].count_documents(prefix_filter(prefix))
        new = await db["choreographers"].count_documents(listing(prefix_token(prefix)).filter)
        lines.append(
            f"  prefix q={prefix}: legacy {legacy} (display name starts with it),"
            f" new {new} (any word starts with it)"
        )
    return lines


# --- timing -----------------------------------------------------------------------------


Samples = dict[str, dict[str, dict[str, list[float]]]]
"""Latencies in seconds by question, input and side."""


async def _timed(call: Call) -> float:
    """Seconds `call` took."""
    started = time.perf_counter()
    await call()
    return time.perf_counter() - started


async def run_rounds(cases: Cases, rounds: int, samples: Samples | None) -> None:
    """`rounds` rounds over every input of every question, the order of the sides
    rotating each round; the latencies go to `samples` (None: a warm-up)."""
    for number in range(rounds):
        shift = number % len(SIDES)
        order = SIDES[shift:] + SIDES[:shift]
        for question, question_cases in cases.items():
            for case in question_cases:
                for side in order:
                    seconds = await _timed(case.calls[side])
                    if samples is not None:
                        samples[question][case.label][side].append(seconds)


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


# --- the report -------------------------------------------------------------------------


def report_build(build: Build) -> None:
    """How long loading took: printed apart, not part of the results."""
    total = sum(build.seconds.values())
    steps = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in build.seconds.items())
    print(
        f"loading (not part of the results): {total:.1f} s for {build.users:,} users,"
        f" {build.choreographers:,} of them choreographers ({build.how}): {steps};"
        f" migration issues recorded: {build.issues}"
    )
    for line in build.migration_lines:
        print(f"  {line}")


async def report_sizes(db: AsyncDatabase[MongoDocument]) -> None:
    """Mean BSON size of what each side reads about a choreographer: the server decodes
    every candidate document, the client every document returned."""
    legacy = [len(bson.encode(d)) async for d in db["users"].find({"profileType": CHOREOGRAPHER})]
    new = [d async for d in db["choreographers"].find({})]
    sizes = [len(bson.encode(d)) for d in new]
    tokens = sum(len(d.get("searchTokens") or ()) for d in new) / max(1, len(new))
    print(
        f"choreographer documents: legacy user {sum(legacy) / max(1, len(legacy)):,.0f} bytes,"
        f" new profile {sum(sizes) / max(1, len(sizes)):,.0f} bytes"
        f" ({tokens:.0f} searchTokens on average)"
    )


async def report_indexes(db: AsyncDatabase[MongoDocument]) -> None:
    """The indexes each side's collection has."""
    for collection, side in (("users", "legacy"), ("choreographers", "new")):
        print(f"indexes of {collection} ({side} layout):")
        async for index in await db[collection].list_indexes():
            keys = ", ".join(f"{name}: {direction}" for name, direction in index["key"].items())
            print(f"  {index['name']}: {{{keys}}}")


def report_costs(costs: dict[str, dict[str, Cost]], cases: Cases) -> None:
    """Keys and documents examined per call, averaged over each question's inputs."""
    print(
        "explain executionStats per call, mean over the inputs (SecantusDB runs an explained"
        " query without its limit: keys = docs = matches of the index bounds):"
    )
    print(
        f"  {'question':<8} {'side':<17} {'queries':>7} {'keys':>8} {'docs':>8}"
        f" {'matched':>8}  plans"
    )
    for question, by_side in costs.items():
        count = len(cases[question])
        for side, cost in by_side.items():
            print(
                f"  {question:<8} {side:<17} {cost.queries / count:>7.1f} {cost.keys / count:>8.1f}"
                f" {cost.docs / count:>8.1f} {cost.returned / count:>8.1f}  {'; '.join(cost.plans)}"
            )


def _pooled(samples: Samples, question: str, side: str) -> list[float]:
    """Every latency of one side over all inputs of a question."""
    return [seconds for by_side in samples[question].values() for seconds in by_side[side]]


def report_inputs(samples: Samples) -> None:
    """p50 per input and side, and new/legacy."""
    print("p50 per input (ms):")
    header = " ".join(f"{side:>14}" for side in SIDES)
    print(f"  {'question':<8} {'input':<24} {header} {'new/legacy':>10}")
    for question in QUESTIONS:
        for label, by_side in samples[question].items():
            p50 = {side: percentile(by_side[side], 0.5) for side in SIDES}
            cells = " ".join(f"{p50[side] * 1000:>14.2f}" for side in SIDES)
            ratio = p50["new"] / p50["legacy"]
            print(f"  {question:<8} {label[:24]:<24} {cells} {ratio:>10.2f}")


def report_latency(samples: Samples, rounds: int) -> dict[str, float]:
    """p50 and p95 per question and side, and new/legacy p50; returns those ratios."""
    ratios: dict[str, float] = {}
    print(f"latency over {rounds} rounds (ms; all inputs of a question pooled):")
    header = "  ".join(f"{side + ' p50/p95':>24}" for side in SIDES)
    print(f"  {'question':<8} {header}  {'new/legacy p50':>14}  {'query only/legacy':>17}")
    for question in QUESTIONS:
        pooled = {side: _pooled(samples, question, side) for side in SIDES}
        p50 = {side: percentile(pooled[side], 0.5) for side in SIDES}
        p95 = {side: percentile(pooled[side], 0.95) for side in SIDES}
        cells = "  ".join(f"{p50[side] * 1000:>14.2f} / {p95[side] * 1000:>7.2f}" for side in SIDES)
        ratios[question] = p50["new"] / p50["legacy"]
        bare = p50[BARE] / p50["legacy"]
        print(f"  {question:<8} {cells}  {ratios[question]:>14.2f}  {bare:>17.2f}")
    return ratios


def summary(ratios: dict[str, float]) -> str:
    """The last line of the run."""
    return (
        f"new/legacy p50: city {ratios['city']:.2f}, fetch {ratios['fetch']:.2f},"
        f" prefix {ratios['prefix']:.2f} (goal <= 0.7)"
    )


# --- main -------------------------------------------------------------------------------


async def measure(url: str, how: str, users: int, rounds: int, seed: int) -> dict[str, float]:
    """Build both layouts in a fresh database (`how`: a key of `BUILDS`), check, explain,
    time; print the report and return new/legacy p50 per question."""
    database: Database = await connect(url, DB_NAME, operation_timeout_ms=None)
    db = database.database
    try:
        await database.client.drop_database(DB_NAME)
        _say(f"loading {users:,} legacy users (seed {seed})")
        build = await BUILDS[how](db, users, seed)
        # the reader: an account that owns none of the profiles read (an account is
        # remembered for a minute; a caller with none is looked up on every read)
        await db["users"].insert_one({"_id": ObjectId(), "authId": CALLER.auth_id})
        report_build(build)
        await report_indexes(db)
        await report_sizes(db)
        people = await fetch_inputs(db, FETCH_INPUTS)
        cases = make_cases(db, people)
        print("the same people on both sides:")
        for line in await check_same_people(db, people):
            print(line)
        _say(f"warm-up ({WARMUP_ROUNDS} rounds)")
        await run_rounds(cases, WARMUP_ROUNDS, None)
        report_costs(await explain_cases(cases), cases)
        _say(f"timing ({rounds} rounds)")
        samples: Samples = {
            question: {case.label: {side: [] for side in SIDES} for case in question_cases}
            for question, question_cases in cases.items()
        }
        await run_rounds(cases, rounds, samples)
        report_inputs(samples)
        return report_latency(samples, rounds)
    finally:
        await database.close()


def main() -> None:
    """Run the benchmark; the last line printed is the summary of the ratios."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=DEFAULT_USERS, help="legacy users")
    parser.add_argument("--rounds", type=int, default=DEFAULT_ROUNDS, help="timed rounds")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--cache-size", default=CACHE_SIZE, help="the server's WiredTiger cache")
    parser.add_argument(
        "--build",
        choices=sorted(BUILDS),
        default="generate",
        help="generate: both layouts from the same users (default); migrate: legacy users,"
        " then the real migrations (quadratic on SecantusDB: minutes above ~3,000 users)",
    )
    args = parser.parse_args()
    if args.users * CHOREOGRAPHER_SHARE < FETCH_INPUTS:
        raise SystemExit(f"--users: at least {math.ceil(FETCH_INPUTS / CHOREOGRAPHER_SHARE)}")
    if args.rounds < 1:
        raise SystemExit("--rounds: at least 1")
    print(
        f"layout benchmark: {args.users:,} users ({CHOREOGRAPHER_SHARE:.0%} choreographers),"
        f" seed {args.seed}, {args.rounds} rounds, build {args.build}, embedded server"
        f" (SecantusDB, cache {args.cache_size})",
        flush=True,
    )
    with (
        tempfile.TemporaryDirectory() as storage,
        embedded_server(Path(storage), args.cache_size) as server,
    ):
        ratios = asyncio.run(measure(server.url, args.build, args.users, args.rounds, args.seed))
    print(summary(ratios), flush=True)


if __name__ == "__main__":
    main()

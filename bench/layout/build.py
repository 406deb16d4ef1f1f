"""Both layouts of the layout benchmark in one database: the legacy `users` with the
indexes made for its questions, and the new `dancers` / `choreographers` with the
indexes the migrations create (`profiles migrate up`, run as the deploy job runs it).
Loading is not part of the results; its time is printed apart."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase

from bench.harness.cli import progress
from bench.harness.processes import run_profiles
from bench.layout.people import DrawnPerson, LayoutPeople
from bench.wire import PROFILE_COLLECTIONS, Document, ProfileType

INSERT_CHUNK = 1000
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
"""The legacy layout's best indexes for its questions, as one would make them on real
mongod: equalities, then the sort key (an in-order walk that stops at the page) for the
city listing; equalities, then the prefix as a range on the sort key for the name prefix."""

LEGACY_APP_USERS = "legacy_app_users"
"""The legacy app's own `users`: the same legacy users again, with only the indexes the
old backend had (a second collection, because a planner given both sets of indexes on one
collection picks the best, and a hint makes the embedded server scan the collection)."""
LEGACY_APP_INDEXES = [
    IndexModel([("authId", ASCENDING)], name="legacy_app_authId"),
    IndexModel([("profileType", ASCENDING)], name="legacy_app_profileType"),
]
"""The old backend's indexes on `users`: its sign-in lookup by `authId` and its listing by
`profileType`; every other condition of its queries (onboarding, city, the anchored
regex on `searchPattern`) filtered the documents that index found. mongod's planner
takes that index for its listings (the only one on a field they name) and examines the
choreographers; the embedded server's uses an index only when it covers every condition,
so it scans the collection (a hint would not help: it then scans the collection too,
slower). The report prints both counts beside the times."""


@dataclass
class Build:
    """What loading made, and how long each step took (not part of the results)."""

    how: str
    users: int
    choreographers: int = 0
    issues: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    migration_lines: list[str] = field(default_factory=list)


async def migrate(url: str, db: AsyncDatabase[Document], build: Build, step: str) -> None:
    """`profiles migrate up` (non-destructive: 0005 stays pending), timed as `step`."""
    done = await asyncio.to_thread(run_profiles, ["migrate", "up"], url=url, db_name=db.name)
    build.seconds[step] = done.seconds
    build.migration_lines += [line for line in done.output.splitlines() if line.strip()]


async def legacy_indexes(db: AsyncDatabase[Document], build: Build) -> None:
    """The legacy layout's best indexes on `users`, and the old backend's own on its copy."""
    started = time.perf_counter()
    await db["users"].create_indexes(LEGACY_INDEXES)
    await db[LEGACY_APP_USERS].create_indexes(LEGACY_APP_INDEXES)
    build.seconds["legacy indexes built"] = time.perf_counter() - started


def _progress(done: int, count: int, what: str) -> None:
    """A progress line about every fifth of the way."""
    step = max(INSERT_CHUNK, count // 5)
    if done == count or done % step == 0:
        progress(f"  loading: {done:,} of {count:,} {what}")


async def _insert_people(
    db: AsyncDatabase[Document], build: Build, seed: int, *, with_profiles: bool
) -> None:
    """`build.users` people, `INSERT_CHUNK` at a time: their legacy users (and the same
    again in the legacy app's collection) and (with `with_profiles`) their profiles, the
    users then referring to them."""
    people = LayoutPeople(seed)
    started = time.perf_counter()
    for done in range(0, build.users, INSERT_CHUNK):
        chunk: list[DrawnPerson] = list(people.people(min(INSERT_CHUNK, build.users - done)))
        build.choreographers += sum(person.kind == "choreographer" for person in chunk)
        users = [p.user_with_references() if with_profiles else p.user for p in chunk]
        await db["users"].insert_many(users, ordered=False)
        await db[LEGACY_APP_USERS].insert_many([p.user for p in chunk], ordered=False)
        if with_profiles:
            profiles: dict[ProfileType, list[Document]] = {"dancer": [], "choreographer": []}
            for person in chunk:
                profiles[person.kind].append(person.profile)
            for kind, documents in profiles.items():
                if documents:
                    await db[PROFILE_COLLECTIONS[kind]].insert_many(documents, ordered=False)
        _progress(done + len(chunk), build.users, "people")
    step = "users and profiles inserted" if with_profiles else "legacy users inserted"
    build.seconds[step] = time.perf_counter() - started


async def build_by_generating(
    url: str, db: AsyncDatabase[Document], users: int, seed: int
) -> Build:
    """Both layouts from the same people: `migrate up` on the empty database (every index
    and migration state as after a deploy), then each person's legacy user (with its
    reference to the profile, as the backfill leaves it) and profile."""
    build = Build("both layouts from the same people; profiles by tests.factories", users)
    await migrate(url, db, build, "migrations (empty database)")
    await legacy_indexes(db, build)
    await _insert_people(db, build, seed, with_profiles=True)
    return build


async def build_by_migrating(url: str, db: AsyncDatabase[Document], users: int, seed: int) -> Build:
    """The legacy users, then `migrate up` on them (the real backfill makes the new
    layout), then the legacy indexes. Slow on SecantusDB above a few thousand users."""
    build = Build("legacy users, then `migrate up` on them", users)
    await _insert_people(db, build, seed, with_profiles=False)
    progress("  migrating: profiles migrate up (0005, destructive, stays pending)")
    await migrate(url, db, build, "migrations (new layout)")
    build.issues = await db["migration_issues"].count_documents({})
    await legacy_indexes(db, build)
    return build


Builder = Callable[[str, AsyncDatabase[Document], int, int], Awaitable[Build]]
BUILDS: dict[str, Builder] = {"generate": build_by_generating, "migrate": build_by_migrating}

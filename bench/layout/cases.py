"""The questions of the layout benchmark, each over a fixed set of inputs, and the call
each side makes for one input (a `Case`): the legacy app's own query on its own indexes
(`LEGACY_APP`), the legacy collection at its best indexes (`LEGACY_BEST`), the service's
use case on the new layout (`new`), and the new layout's natural query alone (`BARE`)."""

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bson import ObjectId
from pymongo.asynchronous.database import AsyncDatabase

from bench.layout.build import LEGACY_APP_USERS
from bench.layout.queries import Cost, Find
from bench.wire import DISPLAY_PROJECTION, Document, ProfileType
from service.platform.caller import Caller
from service.profiles.by_id import get_profile
from service.search.discovery import SearchResult
from service.search.query import SearchFilters, SearchQuery

PAGE = 20
CITY_INPUTS = ["Los Angeles, CA", "Chicago, IL", "Seattle, WA", "Kansas City, MO", "Boise, ID"]
PREFIX_INPUTS = ["a", "ma", "jos", "oli", "ste"]
FETCH_INPUTS = 10
LEGACY_APP = "legacy app"
LEGACY_BEST = "legacy best"
BARE = "new query only"
SIDES = (LEGACY_APP, LEGACY_BEST, "new", BARE)
LEGACY_SIDES = (LEGACY_APP, LEGACY_BEST)
"""The two legacy sides each ratio is taken against: the goal holds against the first."""
QUESTIONS = ("city", "fetch", "prefix")
CHOREOGRAPHER: ProfileType = "choreographer"
CHOREOGRAPHERS: tuple[ProfileType, ...] = (CHOREOGRAPHER,)
READER = Caller("bench-layout-viewer")
"""Who reads: an account that owns none of the profiles read."""

Call = Callable[[], Awaitable[object]]
Explain = Callable[[], Awaitable[Cost]]
Search = Callable[[SearchQuery], Awaitable[SearchResult]]
"""The service's search use case as `READER` (`search_profiles`, `tokens` backend)."""


@dataclass(frozen=True)
class Case:
    """One input of a question: the call each side makes, and how to explain it (the
    explained sides may include extra forms that are not timed)."""

    label: str
    calls: dict[str, Call]
    explains: dict[str, Explain]


@dataclass(frozen=True)
class Person:
    """A choreographer in both layouts: the legacy user and the new profile."""

    user_id: ObjectId
    profile_id: ObjectId
    display_name: str


async def fetch_inputs(db: AsyncDatabase[Document], count: int) -> list[Person]:
    """`count` listed choreographers (an unlisted one is not found for other readers)
    spread over the generation order, with their profile ids."""
    legacy = (
        await db["users"]
        .find({"profileType": CHOREOGRAPHER, "onboardingComplete": True}, {"displayName": 1})
        .sort("_id", 1)
        .to_list()
    )
    chosen = legacy[:: max(1, len(legacy) // count)][:count]
    profiles = {
        p["userId"]: p["_id"]
        async for p in db["choreographers"].find(
            {"userId": {"$in": [u["_id"] for u in chosen]}}, {"userId": 1}
        )
    }
    return [Person(u["_id"], profiles[u["_id"]], u["displayName"]) for u in chosen]


def city_filter(city: str) -> Document:
    """The legacy city listing's filter (`onboardingComplete` is what `listed` was made
    from, so both sides list the same people)."""
    return {"profileType": CHOREOGRAPHER, "onboardingComplete": True, "workLocation": city}


def prefix_filter(prefix: str, *, as_regex: bool = False) -> Document:
    """The legacy name-prefix filter: `searchPattern` is lower-case, so the lower-cased
    prefix is case-insensitive. The old backend's anchored regex (`as_regex`), or the
    range mongod derives from `/^p/` (the best-index side: SecantusDB gives a `$regex` no
    index bounds)."""
    folded = prefix.lower()
    if as_regex:
        bounds: Document = {"$regex": f"^{re.escape(folded)}"}
    else:
        bounds = {"$gte": folded, "$lt": folded[:-1] + chr(ord(folded[-1]) + 1)}
    return {"profileType": CHOREOGRAPHER, "onboardingComplete": True, "searchPattern": bounds}


def listing(token: str) -> Find:
    """The natural query of the new layout: listed choreographers holding `token`, in
    listing order, one page."""
    return Find("choreographers", {"listed": True, "searchTokens": token}, {"rankKey": 1}, PAGE)


def city_query(city: str) -> SearchQuery:
    """The service's search for listed choreographers working in `city`."""
    return SearchQuery(kinds=CHOREOGRAPHERS, filters=SearchFilters(locations=(city,)))


def prefix_query(prefix: str) -> SearchQuery:
    """The service's search for choreographers with a word starting with `prefix`."""
    return SearchQuery(kinds=CHOREOGRAPHERS, text=prefix)


async def city_token(search: Search, city: str) -> str:
    """The token under which the new layout lists a city: the one the service's search
    for it walks (the first `searchTokens` its queries name; what the backend measures
    about a token first has none)."""
    result = await search(city_query(city))
    tokens = [sent.filter.get("searchTokens") for sent in result.stats.queries]
    token = next((token for token in tokens if isinstance(token, str)), None)
    if token is None:
        raise SystemExit(f"the search for {city!r} walked no single token: {result.stats}")
    return token


def prefix_token(prefix: str) -> str:
    """The new layout's token of a one-word prefix (folded, as the service folds `q`)."""
    return prefix_query(prefix).words[0]


@dataclass(frozen=True)
class Questions:
    """Makes the cases of each question on one database, with the service's search."""

    db: AsyncDatabase[Document]
    search: Search

    def find_call(self, find: Find) -> Call:
        """`find` run on the database, as a call."""
        return lambda: find.run(self.db)

    def find_explain(self, find: Find) -> Explain:
        """The explain of `find`, as a call."""
        return lambda: find.explain(self.db)

    def search_explain(self, query: SearchQuery) -> Explain:
        """Every query one search sends (the caller's account id and what the backend
        remembers per token are remembered, so they are not counted)."""

        async def explain() -> Cost:
            cost = Cost()
            for sent in (await self.search(query)).stats.queries:
                find = Find(sent.collection, sent.filter, sent.sort, sent.limit)
                cost.add(await find.explain(self.db))
            return cost

        return explain

    async def city_case(self, city: str) -> Case:
        """Question a, listed choreographers working in a city: one input."""
        app = Find(LEGACY_APP_USERS, city_filter(city), {"displayName": 1}, PAGE)
        best = Find("users", city_filter(city), {"displayName": 1}, PAGE)
        query = city_query(city)
        bare = listing(await city_token(self.search, city))
        return Case(
            city,
            {
                LEGACY_APP: self.find_call(app),
                LEGACY_BEST: self.find_call(best),
                "new": lambda: self.search(query),
                BARE: self.find_call(bare),
            },
            {
                LEGACY_APP: self.find_explain(app),
                LEGACY_BEST: self.find_explain(best),
                "new": self.search_explain(query),
                BARE: self.find_explain(bare),
            },
        )

    def fetch_case(self, person: Person) -> Case:
        """Question b, one choreographer by id: one input."""
        app = Find(LEGACY_APP_USERS, {"_id": person.user_id}, limit=1)
        best = Find("users", {"_id": person.user_id}, limit=1)
        bare = Find(
            "choreographers", {"_id": person.profile_id}, limit=1, projection=DISPLAY_PROJECTION
        )
        return Case(
            person.display_name,
            {
                LEGACY_APP: self.find_call(app),
                LEGACY_BEST: self.find_call(best),
                "new": lambda: get_profile(READER, CHOREOGRAPHER, str(person.profile_id)),
                BARE: self.find_call(bare),
            },
            {
                LEGACY_APP: self.find_explain(app),
                LEGACY_BEST: self.find_explain(best),
                "new": self.find_explain(bare),  # what `get_profile` sends (account id remembered)
                BARE: self.find_explain(bare),
            },
        )

    def prefix_case(self, prefix: str) -> Case:
        """Question c, choreographers whose name starts with a prefix: one input."""
        sort = {"searchPattern": 1}
        app = Find(LEGACY_APP_USERS, prefix_filter(prefix, as_regex=True), sort, PAGE)
        best = Find("users", prefix_filter(prefix), sort, PAGE)
        query = prefix_query(prefix)
        bare = listing(prefix_token(prefix))
        return Case(
            f"q={prefix}",
            {
                LEGACY_APP: self.find_call(app),
                LEGACY_BEST: self.find_call(best),
                "new": lambda: self.search(query),
                BARE: self.find_call(bare),
            },
            {
                LEGACY_APP: self.find_explain(app),
                LEGACY_BEST: self.find_explain(best),
                "new": self.search_explain(query),
                BARE: self.find_explain(bare),
            },
        )

    async def cases(self, people: list[Person]) -> dict[str, list[Case]]:
        """Every input of every question."""
        return {
            "city": [await self.city_case(city) for city in CITY_INPUTS],
            "fetch": [self.fetch_case(person) for person in people],
            "prefix": [self.prefix_case(prefix) for prefix in PREFIX_INPUTS],
        }

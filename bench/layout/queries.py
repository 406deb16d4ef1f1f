"""A find as the layout benchmark runs it and explains it, and what the server examined
for the queries of one call."""

from dataclasses import dataclass, field

from pymongo.asynchronous.database import AsyncDatabase

from bench.harness.plans import explain_find
from bench.wire import Document


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


@dataclass(frozen=True)
class Find:
    """One find, as it is run and as it is explained."""

    collection: str
    filter: Document
    sort: Document | None = None
    limit: int | None = None
    projection: Document | None = None

    async def run(self, db: AsyncDatabase[Document]) -> list[Document]:
        """The documents found."""
        cursor = db[self.collection].find(self.filter, self.projection)
        if self.sort is not None:
            cursor = cursor.sort(list(self.sort.items()))
        if self.limit is not None:
            cursor = cursor.limit(self.limit)
        return await cursor.to_list()

    async def explain(self, db: AsyncDatabase[Document]) -> Cost:
        """`explain` (`executionStats`) of this find."""
        explained = await explain_find(
            db,
            self.collection,
            self.filter,
            sort=self.sort,
            limit=self.limit,
            projection=self.projection,
        )
        return Cost(
            queries=1,
            keys=explained.keys,
            docs=explained.docs,
            returned=explained.returned,
            plans=[f"{self.collection}: {explained.leaf}"],
        )

"""What the server examined for a query: `explain` with `executionStats` of a find."""

from dataclasses import dataclass

from pymongo.asynchronous.database import AsyncDatabase

from bench.wire import Document


def plan_stages(plan: Document) -> list[str]:
    """The stage names of a plan tree, root first."""
    found = [str(plan.get("stage"))]
    for key in ("inputStage", "queryPlan"):
        if isinstance(plan.get(key), dict):
            found += plan_stages(plan[key])
    for child in plan.get("inputStages", []):
        found += plan_stages(child)
    return found


@dataclass(frozen=True)
class Explained:
    """One explained find: keys and documents examined, documents returned, and the
    winning plan."""

    keys: int
    docs: int
    returned: int
    plan: Document

    @property
    def leaf(self) -> str:
        """The index the plan scans (`IXSCAN name`), or its leaf stage (`COLLSCAN`)."""
        plan = self.plan
        while isinstance(plan.get("inputStage"), dict):
            plan = plan["inputStage"]
        if plan.get("stage") == "IXSCAN":
            return f"IXSCAN {plan.get('indexName')}"
        return str(plan.get("stage"))

    @property
    def sorts_in_memory(self) -> bool:
        """Whether the plan sorts (a `SORT` stage) rather than reading an index in order."""
        return "SORT" in plan_stages(self.plan)


async def explain_find(
    db: AsyncDatabase[Document],
    collection: str,
    query: Document,
    *,
    sort: Document | None = None,
    limit: int | None = None,
    projection: Document | None = None,
) -> Explained:
    """`explain` (`executionStats`) of a find on `collection`."""
    command: Document = {"find": collection, "filter": query}
    for name, value in (("sort", sort), ("limit", limit), ("projection", projection)):
        if value is not None:
            command[name] = value
    result = await db.command("explain", command, verbosity="executionStats")
    stats = result.get("executionStats", {})
    return Explained(
        keys=int(stats.get("totalKeysExamined", 0)),
        docs=int(stats.get("totalDocsExamined", 0)),
        returned=int(stats.get("nReturned", 0)),
        plan=result.get("queryPlanner", {}).get("winningPlan", {}),
    )

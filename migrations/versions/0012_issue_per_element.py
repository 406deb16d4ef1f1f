"""One issue record per element of a list: the unique index of `migration_issues` gains
`index` (the element's index in the legacy list; null for a whole field).

0001 first made `user_field_rule_unique` on (userId, field, rule), under which several bad
elements of one list shared one record and all but the last raw value were lost. 0001
now makes the new index itself; this script replaces the old one on databases that ran
the earlier 0001. `down` puts the old index back, unless two records differ only by
their index: they may be the only copies of their values, so they stay, and the
per-element index with them.
"""

from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.errors import OperationFailure

from migrations import collections as names
from migrations.context import MigrationContext

DESTRUCTIVE = False

OLD = IndexModel(
    [("userId", ASCENDING), ("field", ASCENDING), ("rule", ASCENDING)],
    name="user_field_rule_unique",
    unique=True,
)
NEW = IndexModel(
    [("userId", ASCENDING), ("field", ASCENDING), ("rule", ASCENDING), ("index", ASCENDING)],
    name="user_field_rule_index_unique",
    unique=True,
)
INDEX_NOT_FOUND = 27
NAMESPACE_NOT_FOUND = 26


async def _drop(ctx: MigrationContext, name: str) -> bool:
    try:
        await ctx.db[names.ISSUES].drop_index(name)
    except OperationFailure as error:
        if error.code not in (INDEX_NOT_FOUND, NAMESPACE_NOT_FOUND):
            raise
        return False
    return True


async def up(ctx: MigrationContext) -> None:
    """Make the per-element index, then drop the per-field one (if there)."""
    if ctx.dry_run:
        ctx.stats["indexes"] += 1
        return
    await ctx.create_indexes(names.ISSUES, [NEW])
    if await _drop(ctx, OLD.document["name"]):
        ctx.stats["per-field index dropped"] += 1


async def down(ctx: MigrationContext) -> None:
    """The per-field index again, and the per-element one dropped; unless two records
    differ only by their index (each holds a value of its own): then both indexes stay
    as they are, and the records too."""
    pipeline: list[dict[str, Any]] = [
        {"$group": {"_id": {"u": "$userId", "f": "$field", "r": "$rule"}, "n": {"$sum": 1}}},
        {"$match": {"n": {"$gt": 1}}},
        {"$limit": 1},
    ]
    if await (await ctx.db[names.ISSUES].aggregate(pipeline)).to_list():
        ctx.stats["per-element index kept (values recorded element by element)"] += 1
        return
    await ctx.create_indexes(names.ISSUES, [OLD])
    await _drop(ctx, NEW.document["name"])

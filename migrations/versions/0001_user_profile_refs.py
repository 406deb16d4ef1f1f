"""Users gain profile references; the collections get their indexes (plan 2.2).

The `activeProfileType`, `activeDancerId` and `activeChoreographerId` fields are set per
user by the backfill scripts (0002, 0003); this script creates the indexes every later
step relies on. `authId` must be unique: duplicates are recorded in the issues
collection first and stop the migration with a clear message, since the service cannot
tell such accounts apart.
"""

from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel

from migrations.context import RECORDED, MigrationContext
from migrations.errors import MigrationError
from migrations.literal import literal_set
from migrations.lock import now
from migrations.undo import UNDO_INDEXES

DESTRUCTIVE = False

PROFILE_INDEXES = [
    IndexModel([("userId", ASCENDING)], name="userId_unique", unique=True),
    IndexModel([("userId", ASCENDING), ("isActive", ASCENDING)], name="userId_isActive"),
    IndexModel(
        [("listed", ASCENDING), ("completeness", DESCENDING), ("_id", ASCENDING)],
        name="listed_completeness",
    ),
    IndexModel(
        [
            ("listed", ASCENDING),
            ("searchTokens", ASCENDING),
            ("completeness", DESCENDING),
            ("_id", ASCENDING),
        ],
        name="search_tokens",
    ),
]
USABLE_AUTH_ID: dict[str, Any] = {"$type": "string", "$gt": ""}
"""An `authId` that names someone: a non-empty string (as an index filter; it also
matches an array holding one, which `IS_USABLE` does not)."""
IS_USABLE: dict[str, Any] = {
    "$and": [{"$eq": [{"$type": "$authId"}, "string"]}, {"$gt": ["$authId", ""]}]
}
PER_FIELD = IndexModel(
    [("userId", ASCENDING), ("field", ASCENDING), ("rule", ASCENDING)],
    name="user_field_rule_unique",
    unique=True,
)
"""The issue index an earlier version of this script made (0012 replaces it, and its
`down` may put it back): `down` drops it too."""
INDEXES: dict[str, list[IndexModel]] = {
    # unique among the users with a usable `authId` (a non-empty string): users without
    # one are recorded one by one and migrated, and do not count as sharing one
    "users": [
        IndexModel(
            [("authId", ASCENDING)],
            name="authId_unique",
            unique=True,
            partialFilterExpression={"authId": USABLE_AUTH_ID},
        )
    ],
    "dancers": PROFILE_INDEXES,
    "choreographers": [
        *PROFILE_INDEXES,
        IndexModel(
            [
                ("verified", ASCENDING),
                ("listed", ASCENDING),
                ("completeness", DESCENDING),
                ("_id", ASCENDING),
            ],
            name="verified_listed_completeness",
        ),
    ],
    "projects": [
        IndexModel([("userId", ASCENDING)], name="userId"),
        IndexModel([("profileId", ASCENDING)], name="profileId"),
    ],
    "training": [
        IndexModel([("userId", ASCENDING)], name="userId"),
        IndexModel([("profileId", ASCENDING)], name="profileId"),
    ],
    "migration_issues": [
        # one record per user, field, rule and element of a list (`index`, null for a
        # whole field): two recorded values never share one record
        IndexModel(
            [
                ("userId", ASCENDING),
                ("field", ASCENDING),
                ("rule", ASCENDING),
                ("index", ASCENDING),
            ],
            name="user_field_rule_index_unique",
            unique=True,
        ),
        IndexModel([("script", ASCENDING)], name="script"),
    ],
    "migration_undo": UNDO_INDEXES,
}


async def _record_unusable_auth_ids(ctx: MigrationContext) -> int:
    """Record every user whose `authId` is missing, null, empty or not a string (one
    record each; `absent` tells a missing one from a null)."""
    recorded = 0
    unusable = {"$expr": {"$not": [IS_USABLE]}}
    async for user in ctx.db["users"].find(unusable, {"authId": 1}):
        found = {"raw": user["authId"]} if "authId" in user else {"raw": None, "absent": True}
        await ctx.db["migration_issues"].update_one(
            {"userId": user["_id"], "field": "authId", "rule": "authId-unusable", "index": None},
            literal_set({**found, "script": ctx.version, "recordedAt": now()}),
            upsert=True,
        )
        recorded += 1
    ctx.recount[f"{RECORDED}authId-unusable"] = recorded
    return recorded


_DUPLICATES: list[dict[str, Any]] = [
    {"$match": {"$expr": IS_USABLE}},
    {"$group": {"_id": "$authId", "ids": {"$push": "$_id"}, "count": {"$sum": 1}}},
    {"$match": {"count": {"$gt": 1}}},
]
"""The usable `authId`s shared by several users, with their ids."""


async def _record_duplicate_auth_ids(ctx: MigrationContext) -> int:
    duplicates = await (await ctx.db["users"].aggregate(_DUPLICATES)).to_list()
    for duplicate in duplicates:
        ctx.recount[f"{RECORDED}duplicate-authId"] += len(duplicate["ids"])
        for user_id in duplicate["ids"]:
            await ctx.db["migration_issues"].update_one(
                {"userId": user_id, "field": "authId", "rule": "duplicate-authId", "index": None},
                {"$set": {"raw": duplicate["_id"], "script": ctx.version, "recordedAt": now()}},
                upsert=True,
            )
    return len(duplicates)


async def up(ctx: MigrationContext) -> None:
    """Create the indexes (after recording any duplicate `authId`)."""
    if ctx.dry_run:
        ctx.stats["indexes"] = sum(len(models) for models in INDEXES.values())
        unusable = await ctx.db["users"].count_documents({"$expr": {"$not": [IS_USABLE]}})
        if unusable:
            ctx.stats[f"{RECORDED}authId-unusable"] = unusable
        shared = await (await ctx.db["users"].aggregate(_DUPLICATES)).to_list()
        if shared:
            ctx.stats[f"{RECORDED}duplicate-authId"] = sum(len(d["ids"]) for d in shared)
            ctx.stats["refused: authIds shared by several users"] = len(shared)
        return
    await ctx.create_indexes("migration_issues", INDEXES["migration_issues"])
    await _record_unusable_auth_ids(ctx)
    duplicates = await _record_duplicate_auth_ids(ctx)
    if duplicates:
        raise MigrationError(
            f"{duplicates} authId values are shared by several users; they are recorded in"
            " migration_issues (rule duplicate-authId); merge or remove them, then re-run"
        )
    for collection, models in INDEXES.items():
        await ctx.create_indexes(collection, models)
        ctx.stats["indexes"] += len(models)


async def down(ctx: MigrationContext) -> None:
    """Delete this script's issue records (and those of `verify --repair`: the legacy
    users hold their values), then drop the indexes this script created."""
    result = await ctx.db["migration_issues"].delete_many(
        {"script": {"$in": [ctx.version, "repair"]}}
    )
    ctx.stats["issues removed"] += result.deleted_count
    existing_collections = set(await ctx.db.list_collection_names())
    for collection, models in {
        **INDEXES,
        "migration_issues": [*INDEXES["migration_issues"], PER_FIELD],
    }.items():
        if collection not in existing_collections:
            continue
        names = {info["name"] async for info in await ctx.db[collection].list_indexes()}
        for model in models:
            name = model.document["name"]
            if name in names:
                await ctx.db[collection].drop_index(name)
                ctx.stats["indexes dropped"] += 1

"""Weighted text indexes for the `text` search backend, where the server has them.

One text index per profile collection over the display name (weight 10), company (5),
dance styles (3) and work locations (2), English stemming; `searchLanguage` names a
per-document language, so a stray `language` key can never make a write fail. A server
that refuses text indexes (SecantusDB) is not an error: the script records
`text indexes refused` and the service keeps to the `tokens` backend.
"""

from pymongo import TEXT, IndexModel
from pymongo.errors import OperationFailure

from migrations import collections as names
from migrations.context import MigrationContext

DESTRUCTIVE = False

TEXT_INDEX = IndexModel(
    [
        ("displayName", TEXT),
        ("companyName", TEXT),
        ("resume.danceStyles", TEXT),
        ("workLocation", TEXT),
    ],
    name="text_search",
    weights={"displayName": 10, "companyName": 5, "resume.danceStyles": 3, "workLocation": 2},
    default_language="english",
    language_override="searchLanguage",
)
# mongod's `CannotCreateIndex`, which SecantusDB answers for text indexes
CANNOT_CREATE_INDEX = 67
INDEX_NOT_FOUND = 27


async def up(ctx: MigrationContext) -> None:
    """Create the text index on both profile collections, unless the server refuses."""
    for collection in names.PROFILE_COLLECTIONS.values():
        if ctx.dry_run:
            ctx.stats[f"{collection} text index"] += 1
            continue
        try:
            await ctx.create_indexes(collection, [TEXT_INDEX])
        except OperationFailure as error:
            if error.code != CANNOT_CREATE_INDEX:
                raise
            ctx.stats["text indexes refused"] += 1
            return
        ctx.stats[f"{collection} text index"] += 1


async def down(ctx: MigrationContext) -> None:
    """Drop the text indexes."""
    for collection in names.PROFILE_COLLECTIONS.values():
        try:
            await ctx.db[collection].drop_index(TEXT_INDEX.document["name"])
        except OperationFailure as error:
            if error.code != INDEX_NOT_FOUND:
                raise

"""Search fields for discovery: filter and typo tokens, `rankKey`, and their indexes.

Every profile gets `searchTokens` and `rankKey` recomputed by the rules this script
shipped with (`migrations.frozen.search_fields_0006`): filter tokens (style, location,
representation, union, gender, verified) and typo tokens join the word tokens, and
`rankKey` (completeness descending, then id, as one string) lets a page boundary be one
range on one field.
New indexes `(listed, rankKey)` and `(listed, searchTokens, rankKey)`: an equality
prefix, then the sort key, so mongod walks results in order. The previous indexes stay:
the previous release, still serving during a rolling deploy, names them in its queries.
Re-running recomputes the same values.

`down` removes `rankKey` and the new indexes; the extra tokens stay (the previous
release matches only whole-word and prefix tokens, which are unchanged).
"""

from pymongo import ASCENDING, IndexModel, UpdateOne
from pymongo.errors import OperationFailure

from migrations import collections as names
from migrations.context import Batch, Document, MigrationContext
from migrations.frozen.search_fields_0006 import search_fields

DESTRUCTIVE = False
DERIVES = True
"""It rewrites derived fields: the runner first brings every profile to this release's
rules (`migrations.derive`), and the script passes over the profiles that already are."""

INDEX_NOT_FOUND = 27
NEW_INDEXES = [
    IndexModel([("listed", ASCENDING), ("rankKey", ASCENDING)], name="listed_rankKey"),
    IndexModel(
        [("listed", ASCENDING), ("searchTokens", ASCENDING), ("rankKey", ASCENDING)],
        name="listed_searchTokens_rankKey",
    ),
]


async def _drop_if_present(ctx: MigrationContext, collection: str, index_names: list[str]) -> None:
    existing = {info["name"] async for info in await ctx.db[collection].list_indexes()}
    for name in index_names:
        if name in existing:
            try:
                await ctx.db[collection].drop_index(name)
            except OperationFailure as error:
                if error.code != INDEX_NOT_FOUND:  # dropped concurrently: fine
                    raise


async def up(ctx: MigrationContext) -> None:
    """Create the new indexes and recompute every profile's search fields."""
    if not ctx.dry_run:
        for collection in names.PROFILE_COLLECTIONS.values():
            await ctx.create_indexes(collection, NEW_INDEXES)

    for profile_type, collection in names.PROFILE_COLLECTIONS.items():

        async def handle(
            profiles: list[Document],
            batch: Batch,
            profile_type: str = profile_type,
            collection: str = collection,
        ) -> None:
            for profile in profiles:
                fields = search_fields(
                    profile_type, profile, int(profile.get("completeness") or 0), profile["_id"]
                )
                if all(profile.get(key) == value for key, value in fields.items()):
                    batch.counts[f"{collection} already current"] += 1
                    continue
                batch.write(
                    collection,
                    UpdateOne({"_id": profile["_id"]}, {"$set": fields}),
                    f"{collection} updated",
                )

        await ctx.batches(
            collection,
            collection,
            ctx.not_derived_now(),
            handle,
            final=collection == names.CHOREOGRAPHERS,
        )


async def down(ctx: MigrationContext) -> None:
    """Remove `rankKey` and the new indexes."""
    for collection in names.PROFILE_COLLECTIONS.values():

        async def handle(
            profiles: list[Document], batch: Batch, collection: str = collection
        ) -> None:
            for profile in profiles:
                batch.write(
                    collection,
                    UpdateOne(
                        {"_id": profile["_id"]}, {"$unset": {"rankKey": "", "derivedWith": ""}}
                    ),
                    f"{collection} rankKey removed",
                )

        await ctx.batches(f"down:{collection}", collection, {"rankKey": {"$exists": True}}, handle)
    for collection in names.PROFILE_COLLECTIONS.values():
        await _drop_if_present(ctx, collection, [index.document["name"] for index in NEW_INDEXES])

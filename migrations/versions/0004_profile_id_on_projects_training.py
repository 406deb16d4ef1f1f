"""`profileId` on the projects and training records of migrated users (plan 3.3).

Each record of a user who has a primary profile gets that profile's id; `userId` stays.
Records this script linked carry `profileIdBackfilled: true`, so `down` unlinks exactly
those and never a record the service created with its own `profileId`.
"""

from bson import ObjectId
from pymongo import UpdateOne

from migrations import collections as names
from migrations.context import Batch, Document, MigrationContext

DESTRUCTIVE = False
MARKER = "profileIdBackfilled"


async def up(ctx: MigrationContext) -> None:
    """Link every unlinked record to its user's primary profile."""

    async def handle(records: list[Document], batch: Batch) -> None:
        # a `userId` that is not an ObjectId (a string, an object, a list) is never
        # guessed: the record stays unlinked
        user_ids = list(
            {record["userId"] for record in records if isinstance(record.get("userId"), ObjectId)}
        )
        primary: dict[object, object] = {}
        for collection in names.PROFILE_COLLECTIONS.values():
            found = ctx.db[collection].find(
                {"userId": {"$in": user_ids}, "isPrimary": True},
                {"userId": 1},
                session=batch.session,
            )
            async for profile in found:
                primary[profile["userId"]] = profile["_id"]
        for record in records:
            user_id = record.get("userId")
            profile_id = primary.get(user_id) if isinstance(user_id, ObjectId) else None
            if profile_id is None:
                batch.counts["skipped (no profile)"] += 1
                continue
            batch.write(
                batch_collection,
                UpdateOne(
                    {"_id": record["_id"], "profileId": {"$exists": False}},
                    {"$set": {"profileId": profile_id, MARKER: True}},
                ),
                f"{batch_collection} linked",
            )

    for batch_collection in (names.PROJECTS, names.TRAINING):
        await ctx.batches(
            batch_collection,
            batch_collection,
            {"profileId": {"$exists": False}},
            handle,
            final=batch_collection == names.TRAINING,
        )


async def down(ctx: MigrationContext) -> None:
    """Remove the `profileId` this script set."""
    for collection in (names.PROJECTS, names.TRAINING):

        async def handle(
            records: list[Document], batch: Batch, collection: str = collection
        ) -> None:
            for record in records:
                batch.write(
                    collection,
                    UpdateOne({"_id": record["_id"]}, {"$unset": {"profileId": "", MARKER: ""}}),
                    f"{collection} unlinked",
                )

        await ctx.batches(f"down:{collection}", collection, {MARKER: True}, handle)

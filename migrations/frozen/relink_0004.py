"""Linking project and training records to their user's primary profile (plan 3.3), as
0004 shipped it and 0013 re-runs it: a frozen copy, see `migrations.frozen`.

A record that names one of its user's profiles already is left alone. One without a
`profileId`, or whose `profileId` is null or names nothing of the user's (a half-applied
earlier attempt), gets the primary profile's id and a marker; what it held is kept in
`migration_undo` for `down`. A `userId` that is not an ObjectId is never guessed: the
record stays unlinked and is recorded.
"""

from bson import ObjectId
from pymongo import UpdateOne

from migrations import collections as names
from migrations.context import Batch, Document, MigrationContext
from migrations.lookups import find_in
from migrations.undo import forget, restore, saved


async def link_records(ctx: MigrationContext, marker: str, query: Document) -> None:
    """Link every record of `query` without a usable `profileId` to its user's primary
    profile, marking the records linked with `marker`."""

    async def handle(records: list[Document], batch: Batch) -> None:
        # a `userId` that is not an ObjectId (a string, an object, a list) is never
        # guessed: the record stays unlinked, and is recorded
        user_ids = list(
            {record["userId"] for record in records if isinstance(record.get("userId"), ObjectId)}
        )
        primary: dict[object, object] = {}
        theirs: set[tuple[object, object]] = set()
        for collection in names.PROFILE_COLLECTIONS.values():
            found = find_in(
                ctx.db,
                collection,
                "userId",
                user_ids,
                projection={"userId": 1, "isPrimary": 1},
                session=batch.session,
            )
            async for profile in found:
                theirs.add((profile["userId"], profile["_id"]))
                if profile.get("isPrimary") is True:
                    primary[profile["userId"]] = profile["_id"]
        for record in records:
            user_id = record.get("userId")
            if not isinstance(user_id, ObjectId):
                batch.issue(
                    None,
                    f"{batch_collection}.{record['_id']}.userId",
                    "reference-not-an-objectid",
                    user_id,
                )
                continue
            if "profileId" in record and (user_id, record["profileId"]) in theirs:
                continue  # linked already, by the service or an earlier run
            profile_id = primary.get(user_id)
            if profile_id is None:
                batch.counts["skipped (no profile)"] += 1
                continue
            # absent, null, or naming nothing of the user's (a half-applied earlier
            # attempt): linked, what it held kept for `down`
            batch.overwrite(batch_collection, record, "profileId", profile_id, user_id)
            batch.write(
                batch_collection,
                UpdateOne(
                    {"_id": record["_id"]}, {"$set": {"profileId": profile_id, marker: True}}
                ),
                f"{batch_collection} linked",
            )

    for batch_collection in (names.PROJECTS, names.TRAINING):
        await ctx.batches(
            batch_collection,
            batch_collection,
            query,
            handle,
            final=batch_collection == names.TRAINING,
        )


async def unlink_records(ctx: MigrationContext, marker: str) -> None:
    """Put back the `profileId` of the records marked `marker`: what it held before the
    script linked them, or none."""
    for collection in (names.PROJECTS, names.TRAINING):

        async def handle(
            records: list[Document], batch: Batch, collection: str = collection
        ) -> None:
            ids = [record["_id"] for record in records]
            kept = await saved(ctx.db, ctx.version, collection, ids, batch.session)
            for record in records:
                undo = kept.get((record["_id"], "profileId"))
                for write in restore(record["_id"], "profileId", record.get("profileId"), undo):
                    batch.write(collection, write, f"{collection} unlinked")
                batch.write(
                    collection,
                    UpdateOne({"_id": record["_id"]}, {"$unset": {marker: ""}}),
                    f"{collection} unlinked",
                )
                if undo is not None:
                    batch.write(names.UNDO, forget(undo), "kept values put back")

        await ctx.batches(f"down:{collection}", collection, {marker: True}, handle)
    result = await ctx.db[names.ISSUES].delete_many({"script": ctx.version})
    ctx.stats["issues removed"] += result.deleted_count

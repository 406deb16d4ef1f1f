"""Creating profiles from legacy users (plan 2.1), shared by scripts 0002 and 0003, with
the rules they shipped with (`migrations.frozen`): the LEGACY.md mapping and the profile
model's types as they were then. The derived fields (completeness, search fields, record
counts) are the running release's, from the context: they are recomputed whenever their
rules change, so a profile is derived once, as it is created.

For each legacy user whose `profileType` normalises to the script's type and who has no
profile of that type yet: a profile with every legacy value copied or normalised under
LEGACY.md (primary, active, listed when the user finished onboarding), its derived
fields, and the user's references. Values that cannot be mapped, or that the profile
model cannot hold, go to the issues collection. Writes are made in the batch's
transaction after reading the users in it and their profiles, so a user or profile
written concurrently by the service conflicts and the batch is retried (a profile is then
found and left alone); without transactions the profile is an upsert keyed on `userId`,
idempotent on its own.
"""

from bson import ObjectId
from pymongo import DeleteOne, InsertOne, UpdateOne

from migrations import collections as names
from migrations.context import Batch, Document, Keep, MigrationContext
from migrations.counts import record_counts
from migrations.errors import MigrationError
from migrations.frozen.legacy_mapping_0002 import (
    legacy_created_at,
    legacy_updated_at,
    map_legacy_profile,
    normalise_profile_type,
)
from migrations.frozen.profile_shapes_0002 import ProfileType
from migrations.lookups import find_in
from migrations.undo import ABSENT, forget, restore, saved


def new_profile(
    ctx: MigrationContext, profile_type: ProfileType, user: Document, batch: Batch
) -> Document:
    """The profile document for a legacy user (issues planned on `batch`), its derived
    fields still to add (`_derive`)."""
    fields, issues = map_legacy_profile(user, profile_type)
    for issue in issues:
        batch.issue(user["_id"], issue.field, issue.rule, issue.raw, issue.index)
    return {
        "_id": ObjectId(),
        "userId": user["_id"],
        **fields,
        "isActive": True,
        "isPrimary": True,
        "listed": user.get("onboardingComplete") is True,
        "createdAt": legacy_created_at(user),
        "updatedAt": legacy_updated_at(user),
        "version": 1,
        "migratedBy": ctx.version,
    }


def _write_references(batch: Batch, user: Document, references: Document) -> None:
    """Set (or, for ABSENT, remove) the user's profile references that differ, what they
    held kept for `down` (`migrations.undo`): the only legacy fields a forward script
    overwrites."""
    sets: Document = {}
    unsets: Document = {}
    for name, value in references.items():
        if batch.overwrite(names.USERS, user, name, value, user["_id"]):
            if value is ABSENT:
                unsets[name] = ""
            else:
                sets[name] = value
    update = {**({"$set": sets} if sets else {}), **({"$unset": unsets} if unsets else {})}
    if update:
        batch.write(names.USERS, UpdateOne({"_id": user["_id"]}, update), "users referenced")


async def backfill_profiles(ctx: MigrationContext, profile_type: ProfileType) -> None:
    """Create the missing profiles of `profile_type` for legacy users."""
    collection = names.PROFILE_COLLECTIONS[profile_type]
    other_type: ProfileType = "choreographer" if profile_type == "dancer" else "dancer"
    other = names.PROFILE_COLLECTIONS[other_type]
    ref_field = names.USER_REF_FIELDS[profile_type]

    async def handle(users: list[Document], batch: Batch) -> None:
        ids = [user["_id"] for user in users]
        fields = {"userId": 1, "isActive": 1, "isPrimary": 1}
        have = {
            p["userId"]: p
            async for p in find_in(
                ctx.db, collection, "userId", ids, projection=fields, session=batch.session
            )
        }
        others = {
            p["userId"]: p
            async for p in find_in(
                ctx.db, other, "userId", ids, projection=fields, session=batch.session
            )
        }
        counts = await record_counts(ctx.db, "userId", ids, batch.session)
        for user in users:
            normalised = normalise_profile_type(user.get("profileType"))
            if normalised is None:
                if profile_type != "dancer":
                    continue  # recorded once, by the dancer script
                batch.issue(
                    user["_id"], "profileType", "profile-type-unrecognised", user.get("profileType")
                )
                continue
            if normalised != profile_type:
                continue
            other_profile = others.get(user["_id"])
            references: Document = {}
            if user["_id"] in have:
                existing = have[user["_id"]]
                batch.counts["skipped (profile exists)"] += 1
                references[ref_field] = existing["_id"]
                if existing.get("isActive") is True:
                    references["activeProfileType"] = profile_type
            else:
                profile = new_profile(ctx, profile_type, user, batch)
                references[ref_field] = profile["_id"]
                projects, training = counts[user["_id"]]
                if other_profile is not None and other_profile.get("isPrimary") is True:
                    profile.update(isActive=False, isPrimary=False)
                    projects = training = 0  # 0004 links the records to the primary one
                    batch.issue(
                        user["_id"],
                        "profileType",
                        "other-profile-already-primary",
                        user.get("profileType"),
                    )
                else:
                    references["activeProfileType"] = profile_type
                # derived once, by the running release's rules (`derive` then passes over
                # it): the records counted by user are those 0004 links to this profile
                profile.update(
                    ctx.derived_now(
                        profile_type, profile, project_count=projects, training_count=training
                    )
                )
                batch.write(
                    collection,
                    InsertOne(profile)
                    if batch.transactional
                    else UpdateOne({"userId": user["_id"]}, {"$setOnInsert": profile}, upsert=True),
                    "profiles created",
                )
            # a reference to a profile of the other type that the user does not have (a
            # half-applied earlier attempt) goes; `down` puts it back
            other_ref = names.USER_REF_FIELDS[other_type]
            if other_profile is None or other_profile["_id"] != user.get(other_ref):
                references[other_ref] = ABSENT
            _write_references(batch, user, references)

    def ours(user: Document) -> bool:
        """The users of this type, and (for the dancer script, which records them) those of
        no recognised type."""
        normalised = normalise_profile_type(user.get("profileType"))
        return normalised == profile_type or (normalised is None and profile_type == "dancer")

    await ctx.batches(
        "users",
        names.USERS,
        {"profileType": {"$exists": True}},
        handle,
        final=True,
        keep=Keep(("profileType",), ours),
    )


async def remove_backfilled_profiles(ctx: MigrationContext, profile_type: ProfileType) -> None:
    """Undo `backfill_profiles`: delete the profiles it created and the users' references.

    Refuses (unless `force`) when profiles changed through the service since: a version
    above 1, or profiles the service created. With `force`, every profile of the type goes.
    """
    collection = names.PROFILE_COLLECTIONS[profile_type]
    ref_field = names.USER_REF_FIELDS[profile_type]
    changed_query: Document = {
        "$or": [{"version": {"$gt": 1}}, {"migratedBy": {"$ne": ctx.version}}]
    }
    changed = await ctx.db[collection].count_documents(changed_query)
    if changed and not ctx.force:
        sample = [
            str(p["_id"]) async for p in ctx.db[collection].find(changed_query, {"_id": 1}).limit(5)
        ]
        raise MigrationError(
            f"{changed} {profile_type} profiles changed through the service since the migration"
            f" (e.g. {', '.join(sample)}); rolling back would lose that:"
            " use --force to do it anyway"
        )

    other_ref = names.USER_REF_FIELDS["choreographer" if profile_type == "dancer" else "dancer"]

    async def handle(profiles: list[Document], batch: Batch) -> None:
        user_ids = [profile["userId"] for profile in profiles]
        kept = await saved(ctx.db, ctx.version, names.USERS, user_ids, batch.session)
        for profile in profiles:
            batch.write(collection, DeleteOne({"_id": profile["_id"]}), "profiles deleted")
            user_id = profile["userId"]
            for field_name, was_set in (
                (ref_field, profile["_id"]),
                ("activeProfileType", profile_type),
                (other_ref, ABSENT),
            ):
                undo = kept.get((user_id, field_name))
                for write in restore(user_id, field_name, was_set, undo):
                    batch.write(names.USERS, write, "users unreferenced")
                if undo is not None:
                    batch.write(names.UNDO, forget(undo), "kept values put back")

    query: Document = {} if ctx.force else {"migratedBy": ctx.version}
    await ctx.batches(f"down:{profile_type}", collection, query, handle)
    result = await ctx.db[names.ISSUES].delete_many({"script": ctx.version})
    ctx.stats["issues removed"] += result.deleted_count

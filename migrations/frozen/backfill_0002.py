"""Creating profiles from legacy users (plan 2.1), shared by scripts 0002 and 0003, with
the rules they shipped with (`migrations.frozen`): the LEGACY.md mapping, the profile
model's types, completeness and search tokens as they were then.

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

from functools import cache
from typing import Any

from bson import ObjectId
from pydantic import TypeAdapter, ValidationError
from pymongo import DeleteOne, InsertOne, UpdateOne

from migrations import collections as names
from migrations.context import Batch, Document, Keep, MigrationContext
from migrations.counts import record_counts
from migrations.errors import MigrationError
from migrations.frozen.completeness_0002 import compute_completeness
from migrations.frozen.legacy_mapping_0002 import (
    Issue,
    ProfileType,
    legacy_created_at,
    legacy_updated_at,
    map_legacy_profile,
    normalise_profile_type,
)
from migrations.frozen.profile_shapes_0002 import FIELD_TYPES
from migrations.frozen.search_tokens_0002 import search_tokens
from migrations.lookups import find_in


@cache
def _field_adapter(profile_type: ProfileType, name: str) -> TypeAdapter[Any] | None:
    annotation = FIELD_TYPES[profile_type].get(name)
    return None if annotation is None else TypeAdapter(annotation)


def loadable_fields(
    profile_type: ProfileType, fields: dict[str, Any]
) -> tuple[dict[str, Any], list[Issue]]:
    """`fields` without those the profile model could not load (returned as issues), so
    that every profile the migration writes can be read by the service."""
    kept: dict[str, Any] = {}
    issues: list[Issue] = []
    for name, value in fields.items():
        adapter = _field_adapter(profile_type, name)
        try:
            if adapter is not None:
                adapter.validate_python(value)
            kept[name] = value
        except ValidationError:
            issues.append(Issue(name, "not-loadable-by-profile-model", value))
    return kept, issues


def new_profile(
    ctx: MigrationContext,
    profile_type: ProfileType,
    user: Document,
    counts: tuple[int, int],
    batch: Batch,
) -> Document:
    """The profile document for a legacy user (issues planned on `batch`)."""
    mapped, issues = map_legacy_profile(user, profile_type)
    fields, model_issues = loadable_fields(profile_type, mapped)
    for issue in [*issues, *model_issues]:
        batch.issue(user["_id"], issue.field, issue.rule, issue.raw, issue.index)
    score = compute_completeness(
        profile_type, fields, project_count=counts[0], training_count=counts[1]
    )
    return {
        "_id": ObjectId(),
        "userId": user["_id"],
        **fields,
        "isActive": True,
        "isPrimary": True,
        "listed": user.get("onboardingComplete") is True,
        "completeness": score.score,
        "searchTokens": search_tokens(fields),
        "createdAt": legacy_created_at(user),
        "updatedAt": legacy_updated_at(user),
        "version": 1,
        "migratedBy": ctx.version,
    }


async def backfill_profiles(ctx: MigrationContext, profile_type: ProfileType) -> None:
    """Create the missing profiles of `profile_type` for legacy users."""
    collection = names.PROFILE_COLLECTIONS[profile_type]
    other = names.PROFILE_COLLECTIONS["choreographer" if profile_type == "dancer" else "dancer"]
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
        have_other = {
            p["userId"]
            async for p in find_in(
                ctx.db, other, "userId", ids, projection=fields, session=batch.session
            )
            if p.get("isPrimary") is True
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
            if user["_id"] in have:
                existing = have[user["_id"]]
                batch.counts["skipped (profile exists)"] += 1
                if user.get(ref_field) != existing["_id"]:  # a run without transactions died here
                    repair: Document = {ref_field: existing["_id"]}
                    if existing.get("isActive") and user.get("activeProfileType") is None:
                        repair["activeProfileType"] = profile_type
                    batch.write(
                        names.USERS,
                        UpdateOne({"_id": user["_id"]}, {"$set": repair}),
                        "users referenced",
                    )
                continue
            profile = new_profile(ctx, profile_type, user, counts[user["_id"]], batch)
            sets: Document = {ref_field: profile["_id"]}
            if user["_id"] in have_other:
                profile.update(isActive=False, isPrimary=False)
                batch.issue(
                    user["_id"],
                    "profileType",
                    "other-profile-already-primary",
                    user.get("profileType"),
                )
            elif user.get("activeProfileType") is None:
                sets["activeProfileType"] = profile_type
            batch.write(
                collection,
                InsertOne(profile)
                if batch.transactional
                else UpdateOne({"userId": user["_id"]}, {"$setOnInsert": profile}, upsert=True),
                "profiles created",
            )
            batch.write(
                names.USERS, UpdateOne({"_id": user["_id"]}, {"$set": sets}), "users referenced"
            )

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

    async def handle(profiles: list[Document], batch: Batch) -> None:
        for profile in profiles:
            batch.write(collection, DeleteOne({"_id": profile["_id"]}), "profiles deleted")
            batch.write(
                names.USERS,
                UpdateOne(
                    {"_id": profile["userId"], ref_field: profile["_id"]},
                    {"$unset": {ref_field: ""}},
                ),
                "users unreferenced",
            )
            batch.write(
                names.USERS,
                UpdateOne(
                    {"_id": profile["userId"], "activeProfileType": profile_type},
                    {"$unset": {"activeProfileType": ""}},
                ),
                "users unreferenced",
            )

    query: Document = {} if ctx.force else {"migratedBy": ctx.version}
    await ctx.batches(f"down:{profile_type}", collection, query, handle)
    result = await ctx.db[names.ISSUES].delete_many({"script": ctx.version})
    ctx.stats["issues removed"] += result.deleted_count

"""`profiles migrate verify --repair`: the fields `verify` found differing between a
legacy user and its primary profile, brought to agree, the older side taking the newer
one's value.

The CLI runs `migrations.verify` and hands its findings here: this use case needs the
service's rules (mapping, completeness, search fields) and `verify` must not.
"""

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from bson import ObjectId
from pymongo.asynchronous.database import AsyncDatabase

from documents.clock import utc_now
from documents.collections import MIGRATION_ISSUES, PROJECTS, TRAINING, USERS
from documents.derived.completeness import compute_completeness
from documents.derived.search_fields import search_fields
from documents.legacy.fields import PROFILE_FIELDS
from documents.legacy.mapping import legacy_updated_at, map_legacy_profile, normalise_profile_type
from service.platform.db import MongoDocument
from service.profiles.kinds import kind_of


async def repair_mismatches(
    db: AsyncDatabase[MongoDocument], mismatched: Mapping[ObjectId, Sequence[str]]
) -> list[str]:
    """Bring the older side of each mismatched field up to the newer one, by update time.

    Legacy newer (an older release wrote the user): the profile takes the mapped legacy
    value (its version is bumped and derived fields recomputed). Profile newer: the legacy
    field takes the profile's value. A legacy value that cannot be mapped is recorded as
    an issue. Returns one line per change; mismatches it cannot repair (a missing profile)
    are listed too.
    """
    changes: list[str] = []
    for user_id, found in mismatched.items():
        user = await db[USERS].find_one({"_id": user_id})
        profile_type = normalise_profile_type((user or {}).get("profileType"))
        if user is None or profile_type is None:
            changes.append(f"user {user_id}: cannot repair {list(found)}")
            continue
        collection = db[kind_of(profile_type).document.Settings.name]
        profile = await collection.find_one({"userId": user_id})
        if profile is None:
            changes.append(f"user {user_id}: no {profile_type} profile; run `profiles migrate up`")
            continue
        expected, issues = map_legacy_profile(user, profile_type)
        unmappable = {issue.field: issue for issue in issues}
        legacy_newer = legacy_updated_at(user) > _aware(profile.get("updatedAt"))
        fields = [field for field in found if field in PROFILE_FIELDS[profile_type]]
        for field in [field for field in found if field in unmappable]:
            issue = unmappable[field]
            await db[MIGRATION_ISSUES].update_one(
                {"userId": user_id, "field": issue.field, "rule": issue.rule},
                {"$set": {"raw": issue.raw, "script": "repair", "recordedAt": utc_now()}},
                upsert=True,
            )
            changes.append(f"user {user_id} {field}: recorded {issue.rule} {issue.raw!r}")
        fields = [f for f in fields if f not in unmappable]
        if not fields:
            continue
        if legacy_newer:
            merged = {**profile, **{f: expected.get(f) for f in fields}}
            owned = {"profileId": profile["_id"]}
            projects = await db[PROJECTS].count_documents(owned)
            training = await db[TRAINING].count_documents(owned)
            score = compute_completeness(
                profile_type, merged, project_count=projects, training_count=training
            ).score
            await collection.update_one(
                {"_id": profile["_id"]},
                {
                    "$set": {
                        **{f: expected.get(f) for f in fields},
                        "completeness": score,
                        **search_fields(profile_type, merged, score, profile["_id"]),
                        "updatedAt": utc_now(),
                    },
                    "$inc": {"version": 1},
                },
            )
            changes.extend(f"user {user_id} {f}: profile <- legacy" for f in fields)
        else:
            await db[USERS].update_one(
                {"_id": user_id}, {"$set": {f: profile.get(f) for f in fields}}
            )
            changes.extend(f"user {user_id} {f}: legacy <- profile" for f in fields)
    return changes


def _aware(value: Any) -> datetime:
    if not isinstance(value, datetime):
        return datetime.min.replace(tzinfo=UTC)
    return value if value.tzinfo else value.replace(tzinfo=UTC)

"""Verify (plan 5.1): every legacy profile field against its primary profile.

A legacy value is mapped with today's rules (`documents.legacy.mapping`) and compared
with the profile's value, exactly (an int is not a float). Values recorded in the
issues collection are not mismatches. A write that reached the legacy fields without
going through the service shows up as a mismatch. Bringing the two sides together
(`--repair`) is the service's (`service.rollout.repair`), wired by the command line.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from bson import ObjectId
from pymongo.asynchronous.database import AsyncDatabase

from documents.derived.rules import RULES_DIGEST
from documents.legacy.fields import PROFILE_FIELDS
from documents.legacy.mapping import map_legacy_profile, normalise_profile_type
from migrations import collections as names
from migrations.counts import counts_by
from migrations.lookups import find_in
from migrations.values import canonical, same_value

Document = dict[str, Any]
BATCH = 500


@dataclass(frozen=True)
class Mismatch:
    """One field whose legacy and profile values disagree."""

    user_id: ObjectId
    field: str
    legacy: Any
    profile: Any

    def describe(self) -> str:
        """One line for a person."""
        return (
            f"user {self.user_id} {self.field}: legacy {self.legacy!r} != profile {self.profile!r}"
        )


async def _legacy_users(db: AsyncDatabase[Document]) -> AsyncIterator[list[Document]]:
    """The users with a legacy `profileType`, `BATCH` at a time, from one cursor in `_id`
    order (a range on `_id` per batch is a collection scan on the embedded server)."""
    batch: list[Document] = []
    cursor = db[names.USERS].find(
        {"profileType": {"$exists": True}}, sort=[("_id", 1)], batch_size=BATCH
    )
    async for user in cursor:
        batch.append(user)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


async def _recorded_issues(
    db: AsyncDatabase[Document], user_ids: list[ObjectId]
) -> set[tuple[Any, ...]]:
    found = find_in(db, names.ISSUES, "userId", user_ids)
    return {
        (issue["userId"], issue["field"], issue["rule"], canonical(issue.get("raw")))
        async for issue in found
    }


async def find_mismatches(db: AsyncDatabase[Document]) -> list[Mismatch]:
    """Every mismatch between legacy user fields and primary profiles."""
    mismatches: list[Mismatch] = []
    async for users in _legacy_users(db):
        ids = [user["_id"] for user in users]
        recorded = await _recorded_issues(db, ids)
        profiles: dict[tuple[str, ObjectId], Document] = {}
        for profile_type, collection in names.PROFILE_COLLECTIONS.items():
            async for profile in find_in(db, collection, "userId", ids):
                profiles[(profile_type, profile["userId"])] = profile
        for user in users:
            mismatches.extend(_compare_user(user, profiles, recorded))
    return mismatches


def _compare_user(
    user: Document, profiles: dict[tuple[str, ObjectId], Document], recorded: set[tuple[Any, ...]]
) -> list[Mismatch]:
    profile_type = normalise_profile_type(user.get("profileType"))
    if profile_type is None:
        if (
            user["_id"],
            "profileType",
            "profile-type-unrecognised",
            canonical(user.get("profileType")),
        ) in recorded:
            return []
        return [Mismatch(user["_id"], "profileType", user.get("profileType"), None)]
    profile = profiles.get((profile_type, user["_id"]))
    if profile is None:
        return [Mismatch(user["_id"], f"{profile_type} profile", "expected", None)]
    expected, issues = map_legacy_profile(user, profile_type)
    found: list[Mismatch] = []
    for issue in issues:
        if (user["_id"], issue.field, issue.rule, canonical(issue.raw)) not in recorded:
            found.append(Mismatch(user["_id"], issue.field, issue.raw, f"unrecorded {issue.rule}"))
    skipped = {issue.field for issue in issues}
    # a legacy value recorded whole has no profile form to compare with: the profile
    # keeps what it holds, and the value lives on in the record (and the legacy field)
    recorded_whole = {issue.field for issue in issues if issue.index is None}
    for field in PROFILE_FIELDS[profile_type]:
        if (field in skipped and field not in expected) or field in recorded_whole:
            continue
        if not same_value(expected.get(field), profile.get(field)):
            found.append(Mismatch(user["_id"], field, user.get(field), profile.get(field)))
    if not profile.get("isPrimary"):
        found.append(Mismatch(user["_id"], "isPrimary", True, profile.get("isPrimary")))
    return found


@dataclass(frozen=True)
class CountDrift:
    """A profile whose kept record counts disagree with its records."""

    collection: str
    profile_id: ObjectId
    kept: tuple[Any, Any]
    counted: tuple[int, int]

    def describe(self) -> str:
        """One line for a person."""
        return (
            f"{self.collection} {self.profile_id}: record counts kept {self.kept}, counted"
            f" {self.counted} (projects, training)"
        )


async def find_count_drift(db: AsyncDatabase[Document]) -> list[CountDrift]:
    """Every profile derived with this release's rules whose `projectCount` or
    `trainingCount` is not the number of its records (written around the service). Not
    a mismatch: `derive` recounts them (`verify --repair` has it do so)."""
    drift: list[CountDrift] = []
    for collection in names.PROFILE_COLLECTIONS.values():
        batch: list[Document] = []
        cursor = db[collection].find(
            {"derivedWith": RULES_DIGEST},
            {"projectCount": 1, "trainingCount": 1},
            sort=[("_id", 1)],
            batch_size=BATCH,
        )
        async for profile in cursor:
            batch.append(profile)
            if len(batch) == BATCH:
                drift += await _drifted(db, collection, batch)
                batch = []
        if batch:
            drift += await _drifted(db, collection, batch)
    return drift


async def _drifted(
    db: AsyncDatabase[Document], collection: str, profiles: list[Document]
) -> list[CountDrift]:
    ids = [profile["_id"] for profile in profiles]
    projects = await counts_by(db, names.PROJECTS, "profileId", ids, None)
    training = await counts_by(db, names.TRAINING, "profileId", ids, None)
    found = []
    for profile in profiles:
        counted = (projects.get(profile["_id"], 0), training.get(profile["_id"], 0))
        kept = (profile.get("projectCount"), profile.get("trainingCount"))
        if kept != counted:
            found.append(CountDrift(collection, profile["_id"], kept, counted))
    return found


async def recount(db: AsyncDatabase[Document], drift: list[CountDrift]) -> None:
    """Mark the drifted profiles for `derive` (which counts their records again)."""
    for item in drift:
        await db[item.collection].update_one(
            {"_id": item.profile_id}, {"$set": {"derivedWith": None}}
        )

"""Dual write (plan 2.3): while the `dualWrite` flag is on, a write to a user's primary
profile also writes the legacy profile fields on the user document, in the same
transaction, so that an older release reading the user sees what the profile holds.

Only targeted `$set` / `$unset` updates touch the user: unknown legacy keys and the types
of the values not written stay as they are. The values written are the profile's stored
values, so `verify` finds the two sides equal. The second (non-primary) profile has no
legacy home and is never written there.
"""

from collections.abc import Mapping
from typing import Any

from bson import ObjectId
from pymongo import ReturnDocument

from documents import User
from documents.clock import utc_now
from documents.legacy.fields import PROFILE_FIELDS
from documents.legacy.mapping import normalise_profile_type
from documents.legacy.mirror import legacy_sets
from documents.literal import literal
from documents.vocabulary import ProfileType, other_profile_type
from service.platform.db import Session
from service.rollout.flags import get_flags


async def mirror_to_legacy(
    profile_type: ProfileType, profile: Mapping[str, Any], session: Session
) -> bool:
    """Write the legacy copy of `profile` (a stored profile document, as it is after the
    write) onto its user within `session`'s transaction, if dual write is on and the
    profile is the user's primary one. True when the user was written."""
    if not profile.get("isPrimary") or not (await get_flags()).dualWrite:
        return False
    users = User.get_pymongo_collection()
    # one round trip: the fields, and the user's `profileType` as it was before them;
    # `profileType` itself is written only when it names another type (rare)
    before = await users.find_one_and_update(
        {"_id": profile["userId"]},
        [{"$set": literal(legacy_sets(profile_type, profile, profile_type))}],
        projection={"profileType": 1},
        return_document=ReturnDocument.BEFORE,
        session=session,
    )
    if before is None:
        return False
    if normalise_profile_type(before.get("profileType")) != profile_type:
        await users.update_one(
            {"_id": before["_id"]}, {"$set": {"profileType": profile_type}}, session=session
        )
    return True


async def mirror_primary_deleted(
    deleted_type: ProfileType,
    user_id: ObjectId,
    promoted: Mapping[str, Any] | None,
    session: Session,
) -> bool:
    """After the user's primary profile of `deleted_type` was deleted (same transaction):
    if dual write is on, the legacy copy of the deleted profile is removed from the user
    and `promoted` (the user's other profile, now primary, if any) is written in its
    place. Fields of the deleted type that the promoted profile does not carry are
    unset; with no promoted profile, `profileType` and `searchPattern` go too. Legacy
    fields that were not the deleted profile's (another `profileType`) are left alone.
    True when the user was written."""
    if not (await get_flags()).dualWrite:
        return False
    users = User.get_pymongo_collection()
    user = await users.find_one({"_id": user_id}, {"profileType": 1}, session=session)
    if user is None:
        return False
    sets: dict[str, Any] = {"updatedAt": utc_now()}
    if promoted is not None:
        promoted_type = other_profile_type(deleted_type)
        sets = legacy_sets(promoted_type, promoted, user.get("profileType"))
    unsets: dict[str, Any] = {}
    if normalise_profile_type(user.get("profileType")) == deleted_type:
        unsets = {name: "" for name in PROFILE_FIELDS[deleted_type] if name not in sets}
        if promoted is None:
            unsets.update(profileType="", searchPattern="")
    if promoted is None and not unsets:
        return False
    update: list[dict[str, Any]] = [{"$set": literal(sets)}]
    if unsets:
        update.append({"$unset": list(unsets)})
    await users.update_one({"_id": user_id}, update, session=session)
    return True

"""Dual write (plan 2.3): a write to a user's primary profile also writes the legacy
fields on the user document, in the same transaction, while the flag is on.

Only targeted `$set`s touch the user: unknown legacy keys and value types stay. The
values written are the profile's stored values, so `verify` finds the two sides equal.
"""

from typing import Any

from documents import User
from migrations.legacy_mapping import PROFILE_FIELDS, ProfileType, normalise_profile_type
from service.db import MongoDocument, Session
from service.flags import get_rollout


def search_pattern(profile: MongoDocument) -> str:
    """The old backend's search string: name, company and locations, lower-cased."""
    parts = [profile.get("displayName"), profile.get("companyName")]
    parts.extend(profile.get("workLocation") or [])
    return " ".join(p for p in parts if isinstance(p, str) and p).lower()


async def mirror_to_legacy(
    profile_type: ProfileType, profile: MongoDocument, session: Session | None
) -> None:
    """Write the legacy copy of `profile` (a stored document) onto its user, if dual write
    is on and the profile is the user's primary one."""
    if not profile.get("isPrimary") or not (await get_rollout()).dualWrite:
        return
    users = User.get_pymongo_collection()
    user = await users.find_one({"_id": profile["userId"]}, {"profileType": 1}, session=session)
    if user is None:
        return
    sets: dict[str, Any] = {
        name: profile[name] for name in PROFILE_FIELDS[profile_type] if name in profile
    }
    if normalise_profile_type(user.get("profileType")) != profile_type:
        sets["profileType"] = profile_type
    sets["searchPattern"] = search_pattern(profile)
    sets["updatedAt"] = profile.get("updatedAt")
    await users.update_one({"_id": profile["userId"]}, {"$set": sets}, session=session)

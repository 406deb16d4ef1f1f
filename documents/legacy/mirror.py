"""A profile written back onto the legacy fields of its user (dual write, plan 2.3): what
an older release reading the user record sees."""

from collections.abc import Mapping
from typing import Any

from documents.clock import utc_now
from documents.legacy.fields import PROFILE_FIELDS
from documents.legacy.mapping import normalise_profile_type
from documents.vocabulary import ProfileType


def search_pattern(profile: Mapping[str, Any]) -> str:
    """The old backend's search string: display name, company name and work locations,
    joined with single spaces and lower-cased (`"gina ivanova the lab atlanta"`)."""
    parts: list[Any] = [profile.get("displayName"), profile.get("companyName")]
    locations = profile.get("workLocation")
    if isinstance(locations, list):
        parts.extend(locations)
    return " ".join(part for part in parts if isinstance(part, str) and part).lower()


def legacy_sets(
    profile_type: ProfileType, profile: Mapping[str, Any], legacy_profile_type: Any
) -> dict[str, Any]:
    """The `$set` that makes a user's legacy fields equal to `profile` (a stored document):
    every legacy field of the type that the profile holds, `profileType` when the user's
    (normalised) one differs, `searchPattern`, and `updatedAt` (the profile's)."""
    sets: dict[str, Any] = {
        name: profile[name] for name in PROFILE_FIELDS[profile_type] if name in profile
    }
    if normalise_profile_type(legacy_profile_type) != profile_type:
        sets["profileType"] = profile_type
    sets["searchPattern"] = search_pattern(profile)
    sets["updatedAt"] = profile.get("updatedAt") or utc_now()
    return sets

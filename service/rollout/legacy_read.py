"""The read path during the rollout: which side a caller's own profile is read from.

A caller whose read source is `legacy` (see `service.rollout.flags.read_source_for`) sees their
primary profile's fields as the legacy user document holds them, mapped with the
migration's rules, so that a value an older release wrote to the user is what they read.
Server fields (id, version, isActive, completeness, ...) always come from the profile,
and the shape is the same whichever side the fields come from.
"""

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from documents.legacy.fields import PROFILE_FIELDS
from documents.legacy.mapping import map_legacy_profile, normalise_profile_type
from documents.profile_base import ProfileDocument
from service.platform.caller import Caller
from service.rollout.flags import get_flags, read_source_for


def has_legacy_copy(user: Mapping[str, Any], profile: ProfileDocument) -> bool:
    """True when the user document still holds legacy fields of this profile: the profile
    is primary, the user's `profileType` is its type, and some legacy field is there."""
    return (
        profile.isPrimary
        and normalise_profile_type(user.get("profileType")) == profile.profile_type
        and any(name in user for name in PROFILE_FIELDS[profile.profile_type])
    )


def overlay_legacy_fields(user: Mapping[str, Any], profile: ProfileDocument) -> ProfileDocument:
    """`profile` with its fields taken from the legacy user document where they can be
    mapped and loaded; a field the mapping leaves out, or the profile model cannot load,
    keeps the profile's value."""
    mapped, _ = map_legacy_profile(dict(user), profile.profile_type)
    base = profile.model_dump(by_alias=True)
    while mapped:
        try:
            overlaid: ProfileDocument = type(profile).model_validate({**base, **mapped})
        except ValidationError as error:
            faulty = {str(item["loc"][0]) for item in error.errors() if item["loc"]}
            if not faulty & set(mapped):
                return profile
            mapped = {name: value for name, value in mapped.items() if name not in faulty}
            continue
        return overlaid
    return profile


async def profile_as_read(
    caller: Caller, user: Mapping[str, Any], profile: ProfileDocument
) -> ProfileDocument:
    """The caller's own `profile` as their read source has it: from the legacy fields of
    `user` (the raw user document) when they read `legacy` and it has a legacy copy of
    this profile; the profile document otherwise."""
    if not has_legacy_copy(user, profile):
        return profile
    if read_source_for(await get_flags(), caller.auth_id) == "profiles":
        return profile
    return overlay_legacy_fields(user, profile)

"""The caller's account: reading it, finding it, and updating it (the old
`getMyUser` / `updateMyUser`)."""

from typing import Any

from pydantic import ValidationError

from documents import User
from documents.profile_base import ProfileDocument, utc_now
from migrations.legacy_mapping import PROFILE_FIELDS, map_legacy_profile
from service.caller import Caller
from service.db import Session
from service.errors import Conflict, NotFound
from service.flags import get_rollout, read_source_for
from service.profile_kinds import kind_of
from service.profile_store import apply_profile_patch, check_if_match, find_profile_of_user
from service.results import AccountResult
from service.transactions import run_in_transaction
from service.visibility import profile_view


async def find_user(auth_id: str, session: Session | None = None) -> User | None:
    """The account whose `authId` is `auth_id`, if any."""
    raw = await User.get_pymongo_collection().find_one({"authId": auth_id}, session=session)
    return None if raw is None else User.model_validate(raw)


async def require_user(caller: Caller, session: Session | None = None) -> User:
    """The caller's account, or `NotFound` telling them to onboard first."""
    user = await find_user(caller.auth_id, session)
    if user is None:
        raise NotFound(
            "there is no account for this token's subject; create one with POST /v1/me/onboarding"
        )
    return user


async def active_profile_of(user: User, session: Session | None = None) -> ProfileDocument | None:
    """The user's active profile, as the user document names it."""
    if user.activeProfileType is None:
        return None
    return await find_profile_of_user(kind_of(user.activeProfileType), user.oid, session)


def account_view(user: User, active: ProfileDocument | None) -> dict[str, Any]:
    """The `/v1/me` representation: the account and its whole active profile."""
    return {
        "id": str(user.id),
        "authId": user.authId,
        "email": user.email,
        "fullName": user.fullName,
        "onboardingComplete": user.onboardingComplete,
        "activeProfileType": user.activeProfileType if active is not None else None,
        "activeProfile": None if active is None else profile_view(active, full=True),
    }


async def as_read(caller: Caller, user: User, profile: ProfileDocument) -> ProfileDocument:
    """The profile as this caller's read source has it: while the caller reads from the
    legacy source, the primary profile's fields come from the legacy user fields (mapped
    with the migration's rules); server fields always come from the profile."""
    rollout = await get_rollout()
    if not profile.isPrimary or read_source_for(rollout, caller.auth_id) == "profiles":
        return profile
    legacy = user.model_dump(by_alias=True)
    if not any(legacy.get(name) is not None for name in PROFILE_FIELDS[profile.profile_type]):
        return profile  # no legacy copy (removed by the destructive step, or never there)
    mapped, _ = map_legacy_profile(legacy, profile.profile_type)
    try:
        overlaid: ProfileDocument = type(profile).model_validate(
            {**profile.model_dump(by_alias=True), **mapped}
        )
    except ValidationError:
        return profile
    return overlaid


async def get_me(caller: Caller) -> AccountResult:
    """The caller's account with the whole active profile (null when there is none), from
    the caller's read source; the same shape either way."""
    user = await require_user(caller)
    active = await active_profile_of(user)
    if active is not None:
        active = await as_read(caller, user, active)
    return AccountResult(account_view(user, active), None if active is None else active.version)


async def update_me(
    caller: Caller,
    account_patch: dict[str, Any],
    profile_patch: dict[str, Any] | None,
    if_match: int | None,
) -> AccountResult:
    """Update account fields and the active profile's fields in one transaction.

    The user document is written with targeted `$set` / `$unset` only, so legacy keys
    and value types stay as they are. `if_match` applies to the active profile.
    """
    user = await require_user(caller)
    if profile_patch is not None and user.activeProfileType is None:
        raise Conflict("you have no active profile to update; complete onboarding first")
    user_id = user.oid

    async def work(session: Session) -> None:
        if account_patch:
            sets = {key: value for key, value in account_patch.items() if value is not None}
            unsets = {key: "" for key, value in account_patch.items() if value is None}
            update: dict[str, Any] = {"$set": {**sets, "updatedAt": utc_now()}}
            if unsets:
                update["$unset"] = unsets
            await User.get_pymongo_collection().update_one(
                {"_id": user_id}, update, session=session
            )
        if profile_patch is not None and user.activeProfileType is not None:
            kind = kind_of(user.activeProfileType)
            profile = await find_profile_of_user(kind, user_id, session)
            if profile is None:
                raise Conflict("your active profile no longer exists; switch or add a profile")
            check_if_match(profile, if_match)
            if await apply_profile_patch(kind, profile, profile_patch, session) is None:
                raise Conflict("your profile was changed by a concurrent request; retry")

    await run_in_transaction(work)
    return await get_me(caller)

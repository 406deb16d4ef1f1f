"""The caller's account with its active profile: `GET /v1/me` and `PATCH /v1/me` (the
old `getMyUser` / `updateMyUser`)."""

from typing import Any

from documents import User
from documents.clock import utc_now
from documents.profile_base import ProfileDocument
from service.accounts.lookup import require_user, require_user_document
from service.platform.caller import Caller
from service.platform.db import Session
from service.platform.errors import ConcurrentChange, Conflict
from service.platform.transactions import run_in_transaction
from service.profiles.kinds import kind_of
from service.profiles.reads import active_profile_of, find_profile_of_user
from service.profiles.results import AccountResult
from service.profiles.visibility import profile_view
from service.profiles.writes import apply_profile_patch, check_if_match
from service.rollout.legacy_read import profile_as_read


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


async def get_me(caller: Caller) -> AccountResult:
    """The caller's account with the whole active profile (null when there is none), from
    the caller's read source; the same shape either way."""
    raw = await require_user_document(caller)
    user = User.model_validate(raw)
    active = await active_profile_of(user)
    if active is not None:
        active = await profile_as_read(caller, raw, active)
    return AccountResult(account_view(user, active), None if active is None else active.version)


async def update_me(
    caller: Caller,
    account_patch: dict[str, Any],
    profile_patch: dict[str, Any] | None,
    if_match: int | None,
) -> AccountResult:
    """Update account fields and the active profile's fields in one transaction.

    The user document is written with targeted `$set` / `$unset` only, so legacy keys
    and value types stay as they are. `if_match` applies to the active profile. When the
    active profile is the primary one and dual write is on, its legacy fields on the user
    are written in the same transaction.
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
                raise ConcurrentChange("your profile was changed by a concurrent request; retry")

    await run_in_transaction(work)
    return await get_me(caller)

"""The caller's account with its active profile: `GET /v1/me` and `PATCH /v1/me` (the
old `getMyUser` / `updateMyUser`)."""

from typing import Any

from pymongo import ReturnDocument

from documents import User
from documents.clock import utc_now
from documents.profile_base import ProfileDocument
from service.accounts.lookup import NO_ACCOUNT, require_user_document
from service.platform.caller import Caller
from service.platform.db import Session
from service.platform.errors import ConcurrentChange, Conflict, NotFound
from service.platform.transactions import run_in_transaction
from service.profiles.kinds import kind_of
from service.profiles.reads import active_profile_of, find_profile_of_user
from service.profiles.results import AccountResult
from service.profiles.visibility import profile_view
from service.profiles.writes import apply_profile_patch, check_if_match, mirrors
from service.rollout.flags import get_flags
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
    are written in the same transaction. The answer is built from what the transaction
    wrote and returned, not read again.
    """
    written: dict[str, Any] = {"user": None, "profile": None}

    async def work(session: Session) -> None:
        if account_patch:
            # the account's own update answers with the user: no read before it
            sets = {key: value for key, value in account_patch.items() if value is not None}
            unsets = {key: "" for key, value in account_patch.items() if value is None}
            update: dict[str, Any] = {"$set": {**sets, "updatedAt": utc_now()}}
            if unsets:
                update["$unset"] = unsets
            raw = await User.get_pymongo_collection().find_one_and_update(
                {"authId": caller.auth_id},
                update,
                return_document=ReturnDocument.AFTER,
                session=session,
            )
            if raw is None:
                raise NotFound(NO_ACCOUNT)
        else:
            raw = await require_user_document(caller, session)
        written["user"] = raw
        user = User.model_validate(raw)
        if profile_patch is not None:
            if user.activeProfileType is None:
                raise Conflict("you have no active profile to update; complete onboarding first")
            kind = kind_of(user.activeProfileType)
            profile = await find_profile_of_user(kind, user.oid, session)
            if profile is None:
                raise Conflict("your active profile no longer exists; switch or add a profile")
            check_if_match(profile, if_match)
            updated = await apply_profile_patch(kind, profile, profile_patch, session)
            if updated is None:
                raise ConcurrentChange("your profile was changed by a concurrent request; retry")
            written["profile"] = updated

    await run_in_transaction(work)
    after = User.model_validate(written["user"])
    active: ProfileDocument | None = written["profile"]
    if active is None:
        active = await active_profile_of(after)
    elif (
        profile_patch is not None
        and active.isPrimary
        and (await get_flags()).dualWrite
        and mirrors(kind_of(active.profile_type), profile_patch)
    ):
        # dual write just wrote these fields onto the user: its legacy copy is the profile
        return AccountResult(account_view(after, active), active.version)
    if active is not None:
        active = await profile_as_read(caller, written["user"], active)
    return AccountResult(account_view(after, active), None if active is None else active.version)

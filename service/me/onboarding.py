"""Onboarding: the account if new, and the first profile, primary and active."""

from contextlib import suppress
from typing import Any

from pymongo.errors import DuplicateKeyError

from documents import User
from documents.clock import utc_now
from documents.vocabulary import ProfileType
from service.accounts.lookup import find_user
from service.me.profiles import create_profile_for_user, layered_fields
from service.platform.caller import Caller
from service.platform.errors import ConcurrentChange, Conflict
from service.profiles.kinds import kind_of
from service.profiles.reads import find_profile_of_user
from service.profiles.results import ProfileResult
from service.profiles.templates import template_fields
from service.profiles.visibility import profile_view


async def ensure_account(caller: Caller, email: str | None, full_name: str | None) -> User:
    """The caller's account, created from the body's or the token's email and name."""
    existing = await find_user(caller.auth_id)
    if existing is not None:
        return existing
    now = utc_now()
    with suppress(DuplicateKeyError):  # created concurrently by another request
        await User.get_pymongo_collection().insert_one(
            {
                "authId": caller.auth_id,
                "email": email or caller.email,
                "fullName": full_name or caller.name,
                "onboardingComplete": False,
                "createdAt": now,
                "updatedAt": now,
            }
        )
    user = await find_user(caller.auth_id)
    if user is None:
        raise ConcurrentChange("the account was removed while it was being created; retry")
    return user


async def complete_onboarding(
    caller: Caller,
    profile_type: ProfileType,
    email: str | None,
    full_name: str | None,
    fields: dict[str, Any],
    *,
    template: str | None = None,
) -> ProfileResult:
    """Create the account if new and its first profile (primary, active).

    The profile's fields are the account's name as `displayName`, under the fields of the
    admin-defined `template` (an unknown one is `InvalidInput`, before anything is
    created), under `fields`.

    Idempotent: when the account already has a profile of this type, that profile is
    returned (`created` False). An account whose first profile is of the other type is
    refused (409): the second profile is added with `add_profile`.
    """
    kind = kind_of(profile_type)
    starter = await template_fields(kind, template)
    user = await ensure_account(caller, email, full_name)
    existing = await find_profile_of_user(kind, user.oid)
    if existing is None:
        if await find_profile_of_user(kind.other, user.oid) is not None:
            raise Conflict(
                f"you are already onboarded with a {kind.other.name} profile;"
                f" add a {kind.name} profile with POST /v1/me/profiles"
            )
        fields = layered_fields({"displayName": user.fullName}, starter, fields)
        try:
            created = await create_profile_for_user(user.oid, kind, fields, first_only=True)
            return ProfileResult(profile_view(created, full=True), created.version, created=True)
        except Conflict:
            existing = await find_profile_of_user(kind, user.oid)
            if existing is None:
                raise
    if not user.onboardingComplete:
        await User.get_pymongo_collection().update_one(
            {"_id": user.oid}, {"$set": {"onboardingComplete": True, "updatedAt": utc_now()}}
        )
    return ProfileResult(profile_view(existing, full=True), existing.version, created=False)

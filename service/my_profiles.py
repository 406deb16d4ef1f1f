"""The caller's own profiles: list them, read and switch the active one, add the second
(the plan's profiles/common.ts).

The user document's `activeProfileType` is the source of truth; the profiles' `isActive`
follows it in the same transaction. Each transaction writes the user document first,
so concurrent switches conflict at once and PyMongo retries them one after another.
"""

from typing import Any

from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from documents import User
from documents.embedded import ProfileType
from documents.profile_base import ProfileDocument, utc_now
from service.accounts import active_profile_of, require_user, require_user_document
from service.caller import Caller
from service.db import Session
from service.dual_write import mirror_to_legacy
from service.errors import Conflict, NotFound
from service.legacy_read import profile_as_read
from service.profile_kinds import KINDS, ProfileKind, kind_of
from service.profile_store import (
    find_profile_of_user,
    new_profile_document,
    write_profile_changes,
)
from service.results import ProfileResult
from service.transactions import run_in_transaction
from service.visibility import profile_view


def _result(profile: ProfileDocument, *, created: bool = False) -> ProfileResult:
    return ProfileResult(profile_view(profile, full=True), profile.version, created)


async def get_user_profiles(caller: Caller) -> list[ProfileResult]:
    """All the caller's profiles (at most one of each type), the active one first."""
    user = await require_user(caller)
    profiles = [
        profile
        for kind in KINDS.values()
        if (profile := await find_profile_of_user(kind, user.oid)) is not None
    ]
    profiles.sort(key=lambda profile: not profile.isActive)
    return [_result(profile) for profile in profiles]


async def get_my_active_profile(caller: Caller) -> ProfileResult:
    """The caller's active profile as their read source has it (see
    `service.legacy_read`), or `NotFound` when they have none."""
    raw = await require_user_document(caller)
    active = await active_profile_of(User.model_validate(raw))
    if active is None:
        raise NotFound("you have no active profile yet; complete onboarding first")
    return _result(await profile_as_read(caller, raw, active))


async def switch_active_profile(caller: Caller, profile_type: ProfileType) -> ProfileResult:
    """Make the caller's profile of `profile_type` the active one, atomically."""
    kind = kind_of(profile_type)

    async def work(session: Session) -> ProfileDocument:
        user = await User.get_pymongo_collection().find_one_and_update(
            {"authId": caller.auth_id},
            {"$set": {"activeProfileType": kind.name, "updatedAt": utc_now()}},
            session=session,
        )
        if user is None:
            raise NotFound("there is no account for this token's subject; onboard first")
        target = await find_profile_of_user(kind, user["_id"], session)
        if target is None:
            raise Conflict(
                f"you have no {kind.name} profile to switch to; add one with POST /v1/me/profiles"
            )
        await User.get_pymongo_collection().update_one(
            {"_id": user["_id"]}, {"$set": {kind.user_ref_field: target.id}}, session=session
        )
        other = await find_profile_of_user(kind.other, user["_id"], session)
        if other is not None and other.isActive:
            await _write_or_conflict(kind.other, other, {"isActive": False}, session)
        if not target.isActive:
            target = await _write_or_conflict(kind, target, {"isActive": True}, session)
        return target

    return _result(await run_in_transaction(work))


async def _write_or_conflict(
    kind: ProfileKind, profile: ProfileDocument, changes: dict[str, Any], session: Session
) -> ProfileDocument:
    written = await write_profile_changes(kind, profile, changes, session)
    if written is None:
        raise Conflict("your profiles were changed by a concurrent request; retry")
    return written


async def create_profile_for_user(
    user_id: ObjectId, kind: ProfileKind, fields: dict[str, Any]
) -> ProfileDocument:
    """Insert the user's profile of `kind`; the first one becomes primary and active.

    Refuses (409) a second profile of the same type. The user's references and
    `onboardingComplete` are set in the same transaction.
    """

    async def work(session: Session) -> ProfileDocument:
        users = User.get_pymongo_collection()
        if await find_profile_of_user(kind, user_id, session) is not None:
            raise Conflict(f"you already have a {kind.name} profile; a person has one of each type")
        first = await find_profile_of_user(kind.other, user_id, session) is None
        raw = await new_profile_document(kind, user_id, fields, is_active=first, is_primary=first)
        sets: dict[str, Any] = {kind.user_ref_field: raw["_id"], "updatedAt": utc_now()}
        if first:
            sets.update(activeProfileType=kind.name, onboardingComplete=True)
        await users.update_one({"_id": user_id}, {"$set": sets}, session=session)
        await kind.document.get_pymongo_collection().insert_one(raw, session=session)
        await mirror_to_legacy(kind.name, raw, session)
        created: ProfileDocument = kind.document.model_validate(raw)
        return created

    try:
        return await run_in_transaction(work)
    except DuplicateKeyError as error:
        raise Conflict(f"you already have a {kind.name} profile") from error


async def add_profile(
    caller: Caller, profile_type: ProfileType, fields: dict[str, Any]
) -> ProfileResult:
    """Add a profile of `profile_type` to the caller's account (201).

    With a profile of the other type already there, the new one is neither active nor
    primary; switch to it with `switch_active_profile`.
    """
    user = await require_user(caller)
    fields = {"displayName": user.fullName, **fields}
    profile = await create_profile_for_user(user.oid, kind_of(profile_type), fields)
    return _result(profile, created=True)

"""The caller's own profiles: list them, read and switch the active one, add the second
(the plan's profiles/common.ts).

The user document's `activeProfileType` is the source of truth; the profiles' `isActive`
follows it in the same transaction. Each transaction writes the user document first,
so concurrent switches conflict at once and PyMongo retries them one after another.
"""

from collections.abc import Sequence
from typing import Any

from bson import ObjectId
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from documents import User
from documents.clock import utc_now
from documents.derived.completeness import compute_completeness
from documents.profile_base import ProfileDocument
from documents.vocabulary import ProfileType
from service.accounts.lookup import require_user, require_user_document
from service.platform.caller import Caller
from service.platform.db import Session
from service.platform.errors import ConcurrentChange, Conflict, InvalidInput, NotFound
from service.platform.merge_patch import apply_merge_patch
from service.platform.transactions import run_in_transaction
from service.profiles.kinds import KINDS, ProfileKind, kind_of
from service.profiles.reads import active_profile_of, as_profile, find_profile_of_user
from service.profiles.results import ProfileResult
from service.profiles.templates import template_fields
from service.profiles.visibility import profile_view
from service.profiles.writes import (
    editable_fields,
    new_profile_document,
    record_counts,
)
from service.rollout.dual_write import mirror_to_legacy
from service.rollout.legacy_read import profile_as_read


def _result(profile: ProfileDocument, *, created: bool = False) -> ProfileResult:
    return ProfileResult(profile_view(profile, full=True), profile.version, created)


async def _profiles_of(caller: Caller) -> list[ProfileDocument]:
    user = await require_user(caller)
    profiles = [
        profile
        for kind in KINDS.values()
        if (profile := await find_profile_of_user(kind, user.oid)) is not None
    ]
    profiles.sort(key=lambda profile: not profile.isActive)
    return profiles


async def get_user_profiles(caller: Caller) -> list[ProfileResult]:
    """All the caller's profiles (at most one of each type), the active one first."""
    return [_result(profile) for profile in await _profiles_of(caller)]


async def get_profile_switcher(caller: Caller) -> list[ProfileResult]:
    """The caller's profiles as `get_user_profiles` gives them, each view with `missing`:
    the completeness sections still missing to reach 100 (counting the profile's project
    and training records), for a quick switcher."""
    results = []
    for profile in await _profiles_of(caller):
        projects, training = await record_counts(profile)
        missing = compute_completeness(
            profile.profile_type,
            editable_fields(profile),
            project_count=projects,
            training_count=training,
        ).missing
        view = {**profile_view(profile, full=True), "missing": missing}
        results.append(ProfileResult(view, profile.version))
    return results


async def get_my_active_profile(caller: Caller) -> ProfileResult:
    """The caller's active profile as their read source has it (see
    `service.rollout.legacy_read`), or `NotFound` when they have none."""
    raw = await require_user_document(caller)
    active = await active_profile_of(User.model_validate(raw))
    if active is None:
        raise NotFound("you have no active profile yet; complete onboarding first")
    return _result(await profile_as_read(caller, raw, active))


async def switch_active_profile(caller: Caller, profile_type: ProfileType) -> ProfileResult:
    """Make the caller's profile of `profile_type` the active one, atomically: the user
    names it, it is active and the other one is not (each write returning what it
    needs: the user's id and references, the profile as written)."""
    kind = kind_of(profile_type)

    async def work(session: Session) -> ProfileDocument:
        user = await User.get_pymongo_collection().find_one_and_update(
            {"authId": caller.auth_id},
            {"$set": {"activeProfileType": kind.name, "updatedAt": utc_now()}},
            projection={"_id": 1, kind.user_ref_field: 1},
            session=session,
        )
        if user is None:
            raise NotFound("there is no account for this token's subject; onboard first")
        now = utc_now()
        # made active (a new version) unless it is already: one write, answered with
        # the profile as written
        target = await kind.document.get_pymongo_collection().find_one_and_update(
            {"userId": user["_id"]},
            [
                {
                    "$set": {
                        "version": {"$cond": ["$isActive", "$version", {"$add": ["$version", 1]}]},
                        "updatedAt": {"$cond": ["$isActive", "$updatedAt", now]},
                        "isActive": True,
                    }
                }
            ],
            return_document=ReturnDocument.AFTER,
            session=session,
        )
        if target is None:
            raise Conflict(
                f"you have no {kind.name} profile to switch to; add one with POST /v1/me/profiles"
            )
        await kind.other.document.get_pymongo_collection().update_one(
            {"userId": user["_id"], "isActive": True},
            {"$set": {"isActive": False, "updatedAt": now}, "$inc": {"version": 1}},
            session=session,
        )
        if user.get(kind.user_ref_field) != target["_id"]:  # rare: a reference gone stale
            await User.get_pymongo_collection().update_one(
                {"_id": user["_id"]},
                {"$set": {kind.user_ref_field: target["_id"]}},
                session=session,
            )
        return as_profile(kind, target)

    return _result(await run_in_transaction(work))


async def create_profile_for_user(
    user_id: ObjectId, kind: ProfileKind, fields: dict[str, Any], *, first_only: bool = False
) -> ProfileDocument:
    """Insert the user's profile of `kind`; the first one becomes primary and active.

    Refuses (409) a second profile of the same type, and with `first_only` (onboarding)
    any profile when the user already has one of the other type. Refuses (409) when the
    user no longer exists: no profile outlives its erased account. The user's references
    and `onboardingComplete` are set in the same transaction, so two creations for one
    user conflict, and the one retried sees what the other made.
    """

    async def work(session: Session) -> ProfileDocument:
        users = User.get_pymongo_collection()
        if await find_profile_of_user(kind, user_id, session) is not None:
            raise Conflict(f"you already have a {kind.name} profile; a person has one of each type")
        first = await find_profile_of_user(kind.other, user_id, session) is None
        if first_only and not first:
            raise Conflict(
                f"you are already onboarded with a {kind.other.name} profile;"
                f" add a {kind.name} profile with POST /v1/me/profiles"
            )
        raw = await new_profile_document(kind, user_id, fields, is_active=first, is_primary=first)
        sets: dict[str, Any] = {kind.user_ref_field: raw["_id"], "updatedAt": utc_now()}
        if first:
            sets.update(activeProfileType=kind.name, onboardingComplete=True)
        found = await users.update_one({"_id": user_id}, {"$set": sets}, session=session)
        if found.matched_count == 0:
            raise ConcurrentChange(
                "your account was erased while the profile was being created; onboard again"
            )
        await kind.document.get_pymongo_collection().insert_one(raw, session=session)
        await mirror_to_legacy(kind.name, raw, session)
        created: ProfileDocument = kind.document.model_validate(raw)
        return created

    try:
        return await run_in_transaction(work)
    except DuplicateKeyError as error:
        raise Conflict(f"you already have a {kind.name} profile") from error


COPYABLE_FIELDS = ("headshots", "links", "bio", "training")
"""Fields a new profile may copy from the caller's other profile (`copyFrom`)."""


def layered_fields(*layers: dict[str, Any]) -> dict[str, Any]:
    """The fields of a new profile from these layers, each applied over the ones before
    as a JSON merge patch: objects merge, lists and values replace, `null` removes."""
    fields: dict[str, Any] = {}
    for layer in layers:
        fields = apply_merge_patch(fields, layer)
    return fields


async def _copied_fields(
    user_id: ObjectId, kind: ProfileKind, copy_from: Sequence[str]
) -> dict[str, Any]:
    """The named fields of the user's profile of the other kind, as stored."""
    if not copy_from:
        return {}
    unknown = [name for name in copy_from if name not in COPYABLE_FIELDS]
    if unknown:
        raise InvalidInput(
            f"copyFrom takes {', '.join(COPYABLE_FIELDS)}; not {', '.join(unknown)}",
            extra={"errors": [{"field": "copyFrom", "message": f"unknown field {unknown[0]!r}"}]},
        )
    source = await find_profile_of_user(kind.other, user_id)
    if source is None:
        raise Conflict(
            f"copyFrom copies from your {kind.other.name} profile, and you have none;"
            " leave copyFrom out"
        )
    stored = editable_fields(source)
    return {name: stored.get(name) for name in dict.fromkeys(copy_from)}


async def add_profile(
    caller: Caller,
    profile_type: ProfileType,
    fields: dict[str, Any],
    *,
    template: str | None = None,
    copy_from: Sequence[str] = (),
) -> ProfileResult:
    """Add a profile of `profile_type` to the caller's account (201).

    Its fields are, each layer over the ones before: the account's name as
    `displayName`, the fields of the admin-defined `template` (`InvalidInput` for an
    unknown one), the `copy_from` fields of the caller's other profile, then `fields`.
    With a profile of the other type already there, the new one is neither active nor
    primary; switch to it with `switch_active_profile`.
    """
    kind = kind_of(profile_type)
    user = await require_user(caller)
    starter = await template_fields(kind, template)
    copied = await _copied_fields(user.oid, kind, copy_from)
    fields = layered_fields({"displayName": user.fullName}, starter, copied, fields)
    profile = await create_profile_for_user(user.oid, kind, fields)
    return _result(profile, created=True)

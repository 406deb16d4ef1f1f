"""One profile by id: read, update, delete, and listings (the plan's dancers.ts and
choreographers.ts CRUD)."""

from typing import Any

from documents import Project, Training, User
from documents.embedded import ProfileType
from documents.profile_base import ProfileDocument, utc_now
from service.account_ids import account_id_of
from service.caller import Caller
from service.db import Session
from service.dual_write import mirror_primary_deleted
from service.errors import Conflict, Forbidden, NotFound, PreconditionFailed
from service.profile_kinds import kind_of
from service.profile_store import (
    DISPLAY_PROJECTION,
    apply_profile_patch,
    check_if_match,
    find_profile_of_user,
    load_profile,
    owner_auth_id,
    write_profile_changes,
)
from service.results import ProfileResult
from service.transactions import run_in_transaction
from service.visibility import profile_view

UPDATE_ATTEMPTS = 5


async def can_write(caller: Caller, profile: ProfileDocument) -> bool:
    """True for the profile's owner and for admins."""
    return caller.is_admin or await owner_auth_id(profile) == caller.auth_id


async def ensure_can_write(caller: Caller, profile: ProfileDocument) -> None:
    """`Forbidden` unless the caller owns the profile or is an admin."""
    if not await can_write(caller, profile):
        raise Forbidden("only the profile's owner or an admin may change it")


async def sees_full_view(caller: Caller, profile: ProfileDocument) -> bool:
    """True for admins and the profile's owner: which view a read returns (decided with
    the remembered account id, `service.account_ids`; writes use `can_write`)."""
    return caller.is_admin or await account_id_of(caller.auth_id) == profile.userId


async def get_profile(caller: Caller, profile_type: ProfileType, profile_id: str) -> ProfileResult:
    """One profile: the full view for its owner and admins, the public view for others."""
    profile = await load_profile(kind_of(profile_type), profile_id, projection=DISPLAY_PROJECTION)
    full = await sees_full_view(caller, profile)
    return ProfileResult(profile_view(profile, full=full), profile.version)


async def update_profile(
    caller: Caller,
    profile_type: ProfileType,
    profile_id: str,
    patch: dict[str, Any],
    if_match: int | None,
) -> ProfileResult:
    """Apply a JSON merge patch of owner fields to one profile.

    With `if_match`, a profile at another version is a 412. Without it, a concurrent
    write between read and write is retried on the fresh profile (merge-patch
    semantics: the patched keys win).
    """
    kind = kind_of(profile_type)
    for _ in range(UPDATE_ATTEMPTS):
        profile = await load_profile(kind, profile_id)
        await ensure_can_write(caller, profile)
        check_if_match(profile, if_match)

        async def write(
            session: Session, profile: ProfileDocument = profile
        ) -> ProfileDocument | None:
            return await apply_profile_patch(kind, profile, patch, session)

        updated = await run_in_transaction(write)
        if updated is not None:
            return ProfileResult(profile_view(updated, full=True), updated.version)
        if if_match is not None:
            raise PreconditionFailed("the profile changed while your update was applied")
    raise Conflict("the profile is being changed by other requests right now; retry")


async def delete_profile(
    caller: Caller, profile_type: ProfileType, profile_id: str, if_match: int | None
) -> None:
    """Delete a profile and its project and training records, in one transaction.

    If it was the active or the primary profile, the user's other profile (if any)
    becomes both, and the user's references follow. While dual write is on, deleting
    the primary profile replaces its legacy copy on the user with the promoted profile's
    (or removes it when there is none).
    """
    kind = kind_of(profile_type)
    profile = await load_profile(kind, profile_id)
    await ensure_can_write(caller, profile)
    check_if_match(profile, if_match)

    async def work(session: Session) -> None:
        deleted = await kind.document.get_pymongo_collection().find_one_and_delete(
            {"_id": profile.id}, session=session
        )
        if deleted is None:
            raise NotFound(f"no {kind.name} profile with id {profile_id!r}")
        await Project.get_pymongo_collection().delete_many(
            {"profileId": profile.id}, session=session
        )
        await Training.get_pymongo_collection().delete_many(
            {"profileId": profile.id}, session=session
        )
        sets: dict[str, Any] = {"updatedAt": utc_now()}
        unsets: dict[str, Any] = {kind.user_ref_field: ""}
        other = await find_profile_of_user(kind.other, profile.userId, session)
        promoted: ProfileDocument | None = None
        if other is None:
            unsets["activeProfileType"] = ""
        elif deleted.get("isActive") or deleted.get("isPrimary"):
            promoted = await write_profile_changes(
                kind.other, other, {"isActive": True, "isPrimary": True}, session
            )
            if promoted is None:
                raise Conflict("the other profile changed concurrently; retry")
            sets["activeProfileType"] = kind.other.name
        await User.get_pymongo_collection().update_one(
            {"_id": profile.userId}, {"$set": sets, "$unset": unsets}, session=session
        )
        if deleted.get("isPrimary"):
            stored = None
            if promoted is not None:
                stored = await kind.other.document.get_pymongo_collection().find_one(
                    {"_id": promoted.id}, session=session
                )
            await mirror_primary_deleted(kind.name, profile.userId, stored, session)

    await run_in_transaction(work)

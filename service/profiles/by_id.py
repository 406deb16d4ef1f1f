"""One profile by id: read, update, delete (the plan's dancers.ts and choreographers.ts
CRUD)."""

from typing import Any

from documents import Project, Training, User
from documents.clock import utc_now
from documents.profile_base import ProfileDocument
from documents.vocabulary import ProfileType
from service.platform.caller import Caller
from service.platform.db import Session
from service.platform.errors import ConcurrentChange, NotFound
from service.platform.transactions import run_in_transaction
from service.profiles.access import ensure_can_write, sees_full_view
from service.profiles.kinds import kind_of
from service.profiles.reads import DISPLAY_PROJECTION, find_profile_of_user, load_profile
from service.profiles.results import ProfileResult
from service.profiles.updates import patch_in_transaction, update_with_retries
from service.profiles.visibility import profile_view
from service.profiles.writes import check_if_match, write_profile_changes
from service.rollout.dual_write import mirror_primary_deleted


async def get_profile(caller: Caller, profile_type: ProfileType, profile_id: str) -> ProfileResult:
    """One profile: the full view for its owner and admins, the public view for others."""
    profile = await load_profile(kind_of(profile_type), profile_id, projection=DISPLAY_PROJECTION)
    full = await sees_full_view(caller, profile)
    return ProfileResult(profile_view(profile, full=full), profile.version, public=not full)


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

    async def attempt(profile: ProfileDocument) -> ProfileDocument:
        return await patch_in_transaction(kind, profile, patch)

    updated = await update_with_retries(caller, kind, profile_id, if_match, attempt)
    return ProfileResult(profile_view(updated, full=True), updated.version)


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
                raise ConcurrentChange("the other profile changed concurrently; retry")
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

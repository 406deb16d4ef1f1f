"""A profile's headshots, one at a time: add, change, reorder, make primary, remove.

A headshot is addressed by its `storageId` (unique within a profile). Positions are
always 0..n-1 after a change, in the order shown; position 0 is the primary headshot.
At most `MAX_HEADSHOTS`. A change to a headshot the caller's other profile also holds
(same `storageId`) can be applied to both in one transaction (`also_other_profile`).
"""

from typing import Any

from documents.clock import utc_now
from documents.profile_base import ProfileDocument
from documents.vocabulary import ProfileType
from service.platform.caller import Caller
from service.platform.db import Session
from service.platform.errors import Conflict, InvalidInput, NotFound
from service.platform.merge_patch import apply_merge_patch
from service.platform.transactions import run_in_transaction
from service.profiles.access import sees_full_view
from service.profiles.content.sections import change_profile
from service.profiles.kinds import kind_of
from service.profiles.reads import find_profile_of_user, load_profile
from service.profiles.results import ContentResult
from service.profiles.updates import patched, update_with_retries
from service.profiles.visibility import profile_view

MAX_HEADSHOTS = 20


def ordered_headshots(profile: ProfileDocument) -> list[dict[str, Any]]:
    """The headshots in position order, as plain values."""
    items = [h for h in profile.model_dump(mode="python")["headshots"] if isinstance(h, dict)]
    return sorted(items, key=lambda h: h.get("position", 0))


def _renumbered(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**item, "position": position} for position, item in enumerate(items)]


def _index(items: list[dict[str, Any]], storage_id: str) -> int:
    for index, item in enumerate(items):
        if item.get("storageId") == storage_id:
            return index
    raise NotFound(f"this profile has no headshot with storage id {storage_id!r}")


def _view(profile: ProfileDocument) -> list[dict[str, Any]]:
    headshots: list[dict[str, Any]] = profile_view(profile, full=True)["headshots"]
    return sorted(headshots, key=lambda h: h.get("position", 0))


async def list_headshots(
    caller: Caller, profile_type: ProfileType, profile_id: str
) -> ContentResult:
    """The headshots, primary first."""
    profile = await load_profile(kind_of(profile_type), profile_id)
    full = await sees_full_view(caller, profile)
    view = profile_view(profile, full=full)
    shots = sorted(view["headshots"], key=lambda h: h.get("position", 0))
    return ContentResult(shots, profile.version, public=not full)


async def add_headshot(
    caller: Caller,
    profile_type: ProfileType,
    profile_id: str,
    headshot: dict[str, Any],
    if_match: int | None,
) -> ContentResult:
    """Add a headshot at the end (or first, as the new primary, with `primary`)."""
    storage_id = headshot["storageId"]
    primary = bool(headshot.pop("primary", False))

    def compute(profile: ProfileDocument) -> tuple[dict[str, Any], None]:
        items = ordered_headshots(profile)
        if any(item.get("storageId") == storage_id for item in items):
            raise Conflict(f"this profile already has the headshot {storage_id!r}")
        if len(items) >= MAX_HEADSHOTS:
            raise InvalidInput(
                f"a profile holds at most {MAX_HEADSHOTS} headshots; remove one first",
                extra={"errors": [{"field": "headshots", "message": "too many headshots"}]},
            )
        new = {"uploadedAt": utc_now(), **headshot}
        items = [new, *items] if primary else [*items, new]
        return {"headshots": _renumbered(items)}, None

    updated, _ = await change_profile(caller, profile_type, profile_id, if_match, compute)
    return ContentResult(_view(updated), updated.version)


async def reorder_headshots(
    caller: Caller,
    profile_type: ProfileType,
    profile_id: str,
    storage_ids: list[str],
    if_match: int | None,
) -> ContentResult:
    """Put the headshots in this order (every storage id once); the first is primary."""

    def compute(profile: ProfileDocument) -> tuple[dict[str, Any], None]:
        items = ordered_headshots(profile)
        current = [item.get("storageId") for item in items]
        if sorted(storage_ids) != sorted(s for s in current if s is not None) or len(
            set(storage_ids)
        ) != len(storage_ids):
            raise InvalidInput(
                "the new order must name every headshot of the profile exactly once",
                extra={"errors": [{"field": "storageIds", "message": "not a permutation"}]},
            )
        by_id = {item.get("storageId"): item for item in items}
        unnamed = [item for item in items if item.get("storageId") is None]
        return {"headshots": _renumbered([by_id[s] for s in storage_ids] + unnamed)}, None

    updated, _ = await change_profile(caller, profile_type, profile_id, if_match, compute)
    return ContentResult(_view(updated), updated.version)


async def make_primary(
    caller: Caller,
    profile_type: ProfileType,
    profile_id: str,
    storage_id: str,
    if_match: int | None,
) -> ContentResult:
    """Move one headshot to position 0; the others keep their order."""

    def compute(profile: ProfileDocument) -> tuple[dict[str, Any], None]:
        items = ordered_headshots(profile)
        chosen = items.pop(_index(items, storage_id))
        return {"headshots": _renumbered([chosen, *items])}, None

    updated, _ = await change_profile(caller, profile_type, profile_id, if_match, compute)
    return ContentResult(_view(updated), updated.version)


async def remove_headshot(
    caller: Caller,
    profile_type: ProfileType,
    profile_id: str,
    storage_id: str,
    if_match: int | None,
) -> ContentResult:
    """Remove one headshot; the rest close up."""

    def compute(profile: ProfileDocument) -> tuple[dict[str, Any], None]:
        items = ordered_headshots(profile)
        del items[_index(items, storage_id)]
        return {"headshots": _renumbered(items)}, None

    updated, _ = await change_profile(caller, profile_type, profile_id, if_match, compute)
    return ContentResult(_view(updated), updated.version)


def _patched(profile: ProfileDocument, storage_id: str, patch: dict[str, Any]) -> dict[str, Any]:
    items = ordered_headshots(profile)
    index = _index(items, storage_id)
    items[index] = {**apply_merge_patch(items[index], patch), "storageId": storage_id}
    return {"headshots": _renumbered(items)}


async def update_headshot(
    caller: Caller,
    profile_type: ProfileType,
    profile_id: str,
    storage_id: str,
    patch: dict[str, Any],
    if_match: int | None,
    *,
    also_other_profile: bool = False,
) -> ContentResult:
    """Change a headshot's `url` or `title` (JSON merge patch). With
    `also_other_profile`, the owner's other profile's headshot with the same storage id
    changes too, in the same transaction (409 when it has none)."""
    kind = kind_of(profile_type)

    async def attempt(profile: ProfileDocument) -> ProfileDocument:
        changes = _patched(profile, storage_id, patch)
        other = None
        if also_other_profile:
            other = await find_profile_of_user(kind.other, profile.userId)
            if other is None or storage_id not in {
                h.get("storageId") for h in ordered_headshots(other)
            }:
                raise Conflict(
                    f"the owner's {kind.other.name} profile has no headshot {storage_id!r}"
                )

        async def write(session: Session) -> ProfileDocument:
            updated = await patched(kind, profile, changes, session)
            if other is not None:
                other_changes = _patched(other, storage_id, patch)
                await patched(kind.other, other, other_changes, session, named=False)
            return updated

        return await run_in_transaction(write)

    updated = await update_with_retries(caller, kind, profile_id, if_match, attempt)
    return ContentResult(_view(updated), updated.version)

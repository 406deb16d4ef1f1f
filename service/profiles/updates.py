"""The one way a profile changes after a read (optimistic concurrency).

Read the profile, check that the caller may write it and that `If-Match` names its
version, then write conditionally on that version. When another write came in between,
the write raises `ProfileMoved` (inside a transaction, which it aborts) and the change
starts again from the fresh profile; a caller who named the version it read gets 412
instead, and after `UPDATE_ATTEMPTS` the answer is 409.
"""

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from documents.profile_base import ProfileDocument
from service.platform.caller import Caller
from service.platform.db import Session
from service.platform.errors import ConcurrentChange, PreconditionFailed
from service.platform.transactions import run_in_transaction
from service.profiles.access import ensure_can_write
from service.profiles.kinds import ProfileKind
from service.profiles.reads import load_profile
from service.profiles.writes import apply_profile_patch, check_if_match

T = TypeVar("T")

UPDATE_ATTEMPTS = 5


class ProfileMoved(Exception):
    """A profile's version changed between its read and a write conditional on it.

    `named` is False when the profile that moved is not the one `If-Match` names (the
    owner's other profile, written in the same transaction): the change then starts
    again even for a caller who named a version."""

    def __init__(self, *, named: bool = True) -> None:
        super().__init__("the profile changed since it was read")
        self.named = named


async def update_with_retries(
    caller: Caller,
    kind: ProfileKind,
    profile_id: str,
    if_match: int | None,
    attempt: Callable[[ProfileDocument], Awaitable[T]],
) -> T:
    """`attempt(profile)` on the profile as read now, by its owner or an admin, with its
    version checked against `if_match`; again on the fresh profile while it raises
    `ProfileMoved`. Returns what `attempt` returned."""
    for _ in range(UPDATE_ATTEMPTS):
        profile = await load_profile(kind, profile_id)
        await ensure_can_write(caller, profile)
        check_if_match(profile, if_match)
        try:
            return await attempt(profile)
        except ProfileMoved as moved:
            if if_match is not None and moved.named:
                raise PreconditionFailed(
                    "the profile changed while your change was applied; read it again"
                ) from moved
    raise ConcurrentChange("the profile is being changed by other requests right now; retry")


async def patched(
    kind: ProfileKind,
    profile: ProfileDocument,
    patch: dict[str, Any],
    session: Session,
    *,
    named: bool = True,
) -> ProfileDocument:
    """`profile` with the merge patch applied through the single write path, or
    `ProfileMoved` when its version changed since it was read."""
    updated = await apply_profile_patch(kind, profile, patch, session)
    if updated is None:
        raise ProfileMoved(named=named)
    return updated


async def patch_in_transaction(
    kind: ProfileKind, profile: ProfileDocument, patch: dict[str, Any]
) -> ProfileDocument:
    """`patched` in a transaction of its own."""

    async def work(session: Session) -> ProfileDocument:
        return await patched(kind, profile, patch, session)

    return await run_in_transaction(work)

"""Choreographer verification: the verified badge, set and cleared by admins."""

from typing import Any

from documents.profile_base import utc_now
from service.caller import Caller
from service.errors import Conflict, Forbidden
from service.profile_kinds import kind_of
from service.profile_store import load_profile, search_inputs, write_profile_changes
from service.results import ProfileResult
from service.search_fields import search_tokens_of
from service.visibility import profile_view


async def set_choreographer_verification(
    caller: Caller, profile_id: str, verified: bool
) -> ProfileResult:
    """Verify (or un-verify) a choreographer; records when and by whom. Admins only."""
    if not caller.is_admin:
        raise Forbidden("only admins may verify choreographers")
    kind = kind_of("choreographer")
    for _ in range(5):
        profile = await load_profile(kind, profile_id)
        changes: dict[str, Any] = (
            {"verified": True, "verifiedAt": utc_now(), "verifiedBy": caller.auth_id}
            if verified
            else {"verified": False, "verifiedAt": None, "verifiedBy": None}
        )
        inputs = {**search_inputs(profile), "verified": verified}
        changes["searchTokens"] = search_tokens_of(kind.name, inputs)
        updated = await write_profile_changes(kind, profile, changes)
        if updated is not None:
            return ProfileResult(profile_view(updated, full=True), updated.version)
    raise Conflict("the profile is being changed by other requests right now; retry")

"""Choreographer verification: the verified badge, set and cleared by admins."""

from typing import Any

from documents.clock import utc_now
from documents.derived.search_fields import search_tokens_of
from documents.profile_base import ProfileDocument
from service.platform.caller import Caller
from service.platform.errors import Forbidden
from service.profiles.kinds import kind_of
from service.profiles.results import ProfileResult
from service.profiles.updates import ProfileMoved, update_with_retries
from service.profiles.visibility import profile_view
from service.profiles.writes import search_inputs, write_profile_changes


async def set_choreographer_verification(
    caller: Caller, profile_id: str, verified: bool
) -> ProfileResult:
    """Verify (or un-verify) a choreographer; records when and by whom. Admins only."""
    if not caller.is_admin:
        raise Forbidden("only admins may verify choreographers")
    kind = kind_of("choreographer")

    async def attempt(profile: ProfileDocument) -> ProfileDocument:
        changes: dict[str, Any] = (
            {"verified": True, "verifiedAt": utc_now(), "verifiedBy": caller.auth_id}
            if verified
            else {"verified": False, "verifiedAt": None, "verifiedBy": None}
        )
        inputs = {**search_inputs(profile), "verified": verified}
        changes["searchTokens"] = search_tokens_of(kind.name, inputs)
        updated = await write_profile_changes(kind, profile, changes)
        if updated is None:
            raise ProfileMoved
        return updated

    updated = await update_with_retries(caller, kind, profile_id, None, attempt)
    return ProfileResult(profile_view(updated, full=True), updated.version)

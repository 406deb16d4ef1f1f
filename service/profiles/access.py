"""Who may do what with a profile: its owner and admins write it and see it whole;
everyone else with a token reads its public view, of a listed profile only (an unlisted
one is not found for them)."""

from documents.profile_base import ProfileDocument
from service.accounts.ids import own_account_among
from service.platform.caller import Caller
from service.platform.errors import Forbidden, NotFound


async def can_write(caller: Caller, profile: ProfileDocument) -> bool:
    """True for the profile's owner and for admins: the caller's account id as this
    process remembers it (`service.accounts.ids`: no read in the steady state; an
    account id is never reused, so one remembered from before an erasure names no
    profile)."""
    return caller.is_admin or await own_account_among(caller.auth_id, {profile.userId}) is not None


async def ensure_can_write(caller: Caller, profile: ProfileDocument) -> None:
    """`Forbidden` unless the caller owns the profile or is an admin."""
    if not await can_write(caller, profile):
        raise Forbidden("only the profile's owner or an admin may change it")


async def sees_full_view(caller: Caller, profile: ProfileDocument) -> bool:
    """True for admins and the profile's owner: which view a read returns (decided with
    the remembered account id, re-read when it may be out of date:
    `service.accounts.ids`, as `can_write` does). `NotFound` for anyone else when the
    profile is unlisted: what discovery does not show, walking ids does not find."""
    if caller.is_admin or await own_account_among(caller.auth_id, {profile.userId}) is not None:
        return True
    if not profile.listed:
        raise NotFound(f"no {profile.profile_type} profile with id {str(profile.id)!r}")
    return False

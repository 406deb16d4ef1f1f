"""Parts of a profile read and written on their own: links, resume, representation.

Each write is a JSON merge patch of the profile restricted to the part's fields, through
`update_profile` (the single write path); each read is the part of the profile as the
caller may see it.
"""

from dataclasses import dataclass
from typing import Any

from documents.vocabulary import PROFILE_TYPES, ProfileType
from service.platform.caller import Caller
from service.platform.errors import NotFound
from service.profiles.access import sees_full_view
from service.profiles.by_id import update_profile
from service.profiles.kinds import kind_of
from service.profiles.reads import load_profile
from service.profiles.results import ContentResult
from service.profiles.visibility import profile_view


@dataclass(frozen=True)
class Part:
    """Profile fields served at one path."""

    fields: tuple[str, ...]
    kinds: tuple[ProfileType, ...]

    def of(self, view: dict[str, Any]) -> Any:
        if len(self.fields) == 1:
            return view.get(self.fields[0])
        return {name: view.get(name) for name in self.fields}


PARTS = {
    "links": Part(("links",), PROFILE_TYPES),
    "resume": Part(("resume",), PROFILE_TYPES),
    "representation": Part(("representationStatus", "representation"), ("dancer",)),
}


def part_of(profile_type: ProfileType, name: str) -> Part:
    """The part `name` of a profile of this type, or `NotFound`."""
    part = PARTS.get(name)
    if part is None or profile_type not in part.kinds:
        raise NotFound(f"a {profile_type} profile has no {name!r}")
    return part


async def read_part(
    caller: Caller, profile_type: ProfileType, profile_id: str, name: str
) -> ContentResult:
    """The part, as the caller may see it."""
    part = part_of(profile_type, name)
    profile = await load_profile(kind_of(profile_type), profile_id)
    full = await sees_full_view(caller, profile)
    view = profile_view(profile, full=full)
    return ContentResult(part.of(view), profile.version, public=not full)


async def write_part(
    caller: Caller,
    profile_type: ProfileType,
    profile_id: str,
    name: str,
    patch: dict[str, Any],
    if_match: int | None,
) -> ContentResult:
    """Apply `patch` (keys among the part's fields) and return the part as stored."""
    part = part_of(profile_type, name)
    result = await update_profile(caller, profile_type, profile_id, patch, if_match)
    return ContentResult(part.of(result.view), result.version)

"""What the benchmarks know of the stored documents and of the service's JSON, written
down here rather than imported, so that the bare apps share nothing with the service but
the wire format (`shared/LEGACY.md` for the legacy user; the service's README for the
views). The bare app's command check (`bench.api.profiler`) notices when the service's
reads drift from these."""

from collections.abc import Mapping
from typing import Any, Literal

Document = dict[str, Any]
ProfileType = Literal["dancer", "choreographer"]

PROFILE_COLLECTIONS: dict[ProfileType, str] = {
    "dancer": "dancers",
    "choreographer": "choreographers",
}
ACTIVE_PROFILE_FIELDS: dict[ProfileType, str] = {
    "dancer": "activeDancerId",
    "choreographer": "activeChoreographerId",
}
"""The user's reference to its profile of each type."""

LEGACY_COMMON_FIELDS = (
    "displayName",
    "bio",
    "headshots",
    "resume",
    "links",
    "workLocation",
    "training",
)
LEGACY_PROFILE_FIELDS: dict[ProfileType, tuple[str, ...]] = {
    "dancer": (
        *LEGACY_COMMON_FIELDS,
        "attributes",
        "sizing",
        "sagAftraId",
        "representationStatus",
        "representation",
    ),
    "choreographer": (*LEGACY_COMMON_FIELDS, "companyName"),
}
"""The profile fields a legacy user record holds for each type (and dual write mirrors)."""

DISPLAY_PROJECTION: Document = {"searchTokens": 0}
"""What a read of a profile to be shown leaves out: its search tokens."""
INTERNAL_FIELDS = frozenset({"_id", "id", "searchTokens", "rankKey", "revision_id"})
"""Fields of a stored profile that no view shows."""
PRIVATE_FIELDS = frozenset({"sagAftraId", "sizing"})
"""Top-level fields only the owner and admins see."""
PRIVATE_NESTED_FIELDS = {
    "attributes": frozenset({"birthYear"}),
    "representation": frozenset({"agentName", "email", "phone"}),
}
"""Fields inside objects only the owner and admins see."""


def legacy_search_pattern(profile: Mapping[str, Any]) -> str:
    """The old backend's search string of a user record: display name, company name and
    work locations, joined with single spaces and lower-cased."""
    parts: list[Any] = [profile.get("displayName"), profile.get("companyName")]
    locations = profile.get("workLocation")
    if isinstance(locations, list):
        parts.extend(locations)
    return " ".join(part for part in parts if isinstance(part, str) and part).lower()


def profile_view(document: Mapping[str, Any], kind: ProfileType, *, full: bool) -> Document:
    """A stored profile as the service shows it: its id and type, no internal fields,
    and, unless `full` (its owner), no private fields."""
    view: Document = {"id": document["_id"], "profileType": kind}
    view.update((key, value) for key, value in document.items() if key not in INTERNAL_FIELDS)
    if full:
        return view
    for name in PRIVATE_FIELDS:
        view.pop(name, None)
    for name, hidden in PRIVATE_NESTED_FIELDS.items():
        nested = view.get(name)
        if isinstance(nested, dict):
            view[name] = {key: value for key, value in nested.items() if key not in hidden}
    return view

"""The one place that decides what of a profile others may see.

Owners and admins get the full view. Everyone else gets the public view: no agent
contact details, no SAG-AFTRA id, no sizing, no birth year.
"""

from typing import Any

from documents.profile_base import ProfileDocument

# top-level fields of a profile that only its owner and admins see
PRIVATE_FIELDS = frozenset({"sagAftraId", "sizing"})
# fields inside objects that only its owner and admins see
PRIVATE_NESTED_FIELDS = {
    "attributes": frozenset({"birthYear"}),
    "representation": frozenset({"agentName", "email", "phone"}),
}
# fields a profile document keeps for the server's own use
INTERNAL_FIELDS = frozenset({"_id", "id", "searchTokens", "rankKey", "revision_id"})


def profile_view(profile: ProfileDocument, *, full: bool) -> dict[str, Any]:
    """The JSON-ready representation of `profile`, full or public."""
    fields = set(type(profile).model_fields) - INTERNAL_FIELDS
    body: dict[str, Any] = profile.model_dump(mode="json", include=fields)
    view: dict[str, Any] = {
        "id": str(profile.id),
        "userId": str(profile.userId),
        "profileType": profile.profile_type,
        **body,
    }
    return view if full else public_view(view)


def public_view(view: dict[str, Any]) -> dict[str, Any]:
    """A full view (a plain dict) without what only the owner and admins see."""
    for name in PRIVATE_FIELDS:
        view.pop(name, None)
    for name, hidden in PRIVATE_NESTED_FIELDS.items():
        nested = view.get(name)
        if isinstance(nested, dict):
            view[name] = {key: value for key, value in nested.items() if key not in hidden}
    return view

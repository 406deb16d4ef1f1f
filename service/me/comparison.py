"""The caller's two profiles side by side, over the fields both types have."""

from typing import Any

from service.accounts.lookup import require_user
from service.platform.caller import Caller
from service.platform.errors import Conflict
from service.profiles.kinds import KINDS
from service.profiles.reads import find_profile_of_user
from service.profiles.visibility import profile_view

COMPARED_FIELDS = (
    "displayName",
    "bio",
    "headshots",
    "links",
    "workLocation",
    "training",
    "resume.skills",
    "resume.danceStyles",
    "resume.uploads",
)
"""The fields both profile types share, in the order they are compared (dotted paths
name fields inside objects)."""


def _value_at(view: dict[str, Any], path: str) -> Any:
    value: Any = view
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


async def compare_my_profiles(caller: Caller) -> dict[str, Any]:
    """The caller's dancer and choreographer profiles (id and completeness each) and, for
    every field of `COMPARED_FIELDS`, both values (JSON-ready, as the owner sees them)
    and whether they are the same.

    `NotFound` without an account; `Conflict` unless the caller has both profiles.
    """
    user = await require_user(caller)
    views: dict[str, dict[str, Any]] = {}
    for kind in KINDS.values():
        profile = await find_profile_of_user(kind, user.oid)
        if profile is not None:
            views[kind.name] = profile_view(profile, full=True)
    absent: list[str] = [name for name in KINDS if name not in views]
    if absent:
        raise Conflict(_missing_profile_detail(absent))
    dancer, choreographer = views["dancer"], views["choreographer"]
    fields = []
    for path in COMPARED_FIELDS:
        left, right = _value_at(dancer, path), _value_at(choreographer, path)
        fields.append(
            {"field": path, "same": left == right, "dancer": left, "choreographer": right}
        )
    return {
        "dancer": {"id": dancer["id"], "completeness": dancer["completeness"]},
        "choreographer": {"id": choreographer["id"], "completeness": choreographer["completeness"]},
        "fields": fields,
    }


def _missing_profile_detail(absent: list[str]) -> str:
    if len(absent) == len(KINDS):
        return (
            "a comparison needs a dancer and a choreographer profile, and you have none yet:"
            " create the first with POST /v1/me/onboarding, the second with POST /v1/me/profiles"
        )
    return (
        f"a comparison needs both of your profiles, and you have no {absent[0]} profile:"
        f' add one with POST /v1/me/profiles {{"profileType": "{absent[0]}"}}'
    )

"""The legacy profile fields: which sit on an old user record, and which of them a
profile of each type holds (shared/LEGACY.md)."""

from documents.vocabulary import ProfileType

COMMON_FIELDS = (
    "displayName",
    "bio",
    "headshots",
    "resume",
    "links",
    "workLocation",
    "training",
)
PROFILE_FIELDS: dict[ProfileType, tuple[str, ...]] = {
    "dancer": (
        *COMMON_FIELDS,
        "attributes",
        "sizing",
        "sagAftraId",
        "representationStatus",
        "representation",
    ),
    "choreographer": (*COMMON_FIELDS, "companyName"),
}
"""The legacy fields a profile of each type takes over (and dual write writes back)."""
ALL_PROFILE_FIELDS = tuple(
    dict.fromkeys(PROFILE_FIELDS["dancer"] + PROFILE_FIELDS["choreographer"])
)
LEGACY_USER_FIELDS = ("profileType", *ALL_PROFILE_FIELDS, "searchPattern")
"""Every legacy profile field of a user record: the profile fields, the type, and the
old backend's search string."""
LIST_FIELDS = frozenset({"headshots", "links", "workLocation", "training"})
"""Top-level list fields: null or missing becomes `[]`."""
EMPTY_IS_NULL = frozenset({"sagAftraId", "companyName"})
"""Fields whose empty string becomes null."""

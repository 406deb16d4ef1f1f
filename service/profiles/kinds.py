"""The two kinds of profile and what differs between them."""

from dataclasses import dataclass

from documents import Choreographer, Dancer
from documents.profile_base import ProfileDocument
from documents.vocabulary import ProfileType, other_profile_type


@dataclass(frozen=True)
class ProfileKind:
    """A profile type, its document class and the user field that references it."""

    name: ProfileType
    document: type[ProfileDocument]
    user_ref_field: str

    @property
    def other(self) -> "ProfileKind":
        """The other kind of profile."""
        return KINDS[other_profile_type(self.name)]


KINDS: dict[ProfileType, ProfileKind] = {
    "dancer": ProfileKind("dancer", Dancer, "activeDancerId"),
    "choreographer": ProfileKind("choreographer", Choreographer, "activeChoreographerId"),
}


def kind_of(profile_type: ProfileType) -> ProfileKind:
    """The kind named `profile_type`."""
    return KINDS[profile_type]

"""The `dancers` collection."""

from typing import ClassVar

from documents.embedded import Attributes, ProfileType, Representation, RepresentationStatus, Sizing
from documents.profile_base import PROFILE_INDEXES, ProfileDocument


class Dancer(ProfileDocument):
    """A dancer profile: at most one per user (unique `userId`)."""

    profile_type: ClassVar[ProfileType] = "dancer"

    attributes: Attributes | None = None
    sizing: Sizing | None = None
    sagAftraId: str | None = None
    representationStatus: RepresentationStatus | None = None
    representation: Representation | None = None

    class Settings:
        name = "dancers"
        use_revision = False
        indexes = [
            *PROFILE_INDEXES,
        ]

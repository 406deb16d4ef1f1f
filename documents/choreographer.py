"""The `choreographers` collection."""

from datetime import datetime
from typing import ClassVar

from documents.embedded import ProfileType
from documents.profile_base import PROFILE_INDEXES, ProfileDocument


class Choreographer(ProfileDocument):
    """A choreographer profile: at most one per user (unique `userId`)."""

    profile_type: ClassVar[ProfileType] = "choreographer"

    companyName: str | None = None
    verified: bool = False
    verifiedAt: datetime | None = None
    verifiedBy: str | None = None

    class Settings:
        name = "choreographers"
        use_revision = False
        indexes = [
            *PROFILE_INDEXES,
        ]

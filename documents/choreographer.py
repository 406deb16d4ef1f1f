"""The `choreographers` collection."""

from datetime import datetime
from typing import ClassVar

from pydantic import Field

from documents.collections import CHOREOGRAPHERS
from documents.profile_base import PROFILE_INDEXES, ProfileDocument
from documents.profile_sections import PortfolioWork, RateCard, Workshop
from documents.vocabulary import ProfileType


class Choreographer(ProfileDocument):
    """A choreographer profile: at most one per user (unique `userId`)."""

    profile_type: ClassVar[ProfileType] = "choreographer"

    companyName: str | None = None
    verified: bool = False
    verifiedAt: datetime | None = None
    verifiedBy: str | None = None
    workshops: list[Workshop] = Field(default_factory=list)
    rateCards: list[RateCard] = Field(default_factory=list)
    portfolio: list[PortfolioWork] = Field(default_factory=list)

    class Settings:
        name = CHOREOGRAPHERS
        use_revision = False
        indexes = [
            *PROFILE_INDEXES,
        ]

"""The `dancers` collection."""

from typing import ClassVar

from pydantic import Field

from documents.collections import DANCERS
from documents.embedded import Attributes, Representation, Sizing
from documents.profile_base import PROFILE_INDEXES, ProfileDocument
from documents.profile_sections import (
    Audition,
    AvailabilityRange,
    PerformanceVideo,
    StyleSpecialisation,
)
from documents.vocabulary import ProfileType, RepresentationStatus


class Dancer(ProfileDocument):
    """A dancer profile: at most one per user (unique `userId`)."""

    profile_type: ClassVar[ProfileType] = "dancer"

    attributes: Attributes | None = None
    sizing: Sizing | None = None
    sagAftraId: str | None = None
    representationStatus: RepresentationStatus | None = None
    representation: Representation | None = None
    availability: list[AvailabilityRange] = Field(default_factory=list)
    specialisations: list[StyleSpecialisation] = Field(default_factory=list)
    videos: list[PerformanceVideo] = Field(default_factory=list)
    auditions: list[Audition] = Field(default_factory=list)

    class Settings:
        name = DANCERS
        use_revision = False
        indexes = [
            *PROFILE_INDEXES,
        ]

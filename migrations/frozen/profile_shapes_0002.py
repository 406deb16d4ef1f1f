"""The types the profile model gave the legacy fields when scripts 0002 and 0003 shipped
(a frozen copy, see `migrations.frozen`): a mapped value the model could not load was
recorded, not written. Copied from `documents/` as it was then: the models embedded in a
profile, deliberately permissive (unknown nested keys are kept).
"""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ProfileType = Literal["dancer", "choreographer"]
RepresentationStatus = Literal["represented", "seeking", "independent"]
SizeValue = str | int | float


class Embedded(BaseModel):
    """Base of embedded models: unknown keys are kept as they are."""

    model_config = ConfigDict(extra="allow")


class Headshot(Embedded):
    storageId: str | None = None
    url: str | None = None
    title: str | None = None
    position: int = 0
    uploadedAt: datetime | None = None


class Link(Embedded):
    label: str | None = None
    url: str | None = None


class TrainingSummary(Embedded):
    """One line of the short training list kept on the profile itself."""

    name: str | None = None
    type: str | None = None


class ResumeUpload(Embedded):
    storageId: str | None = None
    title: str | None = None


class Resume(Embedded):
    skills: list[str] = Field(default_factory=list)
    danceStyles: list[str] = Field(default_factory=list)
    uploads: list[ResumeUpload] = Field(default_factory=list)


class Height(Embedded):
    feet: int | None = None
    inches: int | float | None = None


class Attributes(Embedded):
    gender: str | None = None
    ethnicity: list[str] = Field(default_factory=list)
    hairColor: str | None = None
    eyeColor: str | None = None
    height: Height | None = None
    birthYear: int | None = None


class Sizing(Embedded):
    shirt: SizeValue | None = None
    pants: SizeValue | None = None
    shoe: SizeValue | None = None
    waist: SizeValue | None = None
    chest: SizeValue | None = None
    hips: SizeValue | None = None
    inseam: SizeValue | None = None


class Representation(Embedded):
    agencyName: str | None = None
    agentName: str | None = None
    email: str | None = None
    phone: str | None = None


COMMON_FIELD_TYPES: dict[str, Any] = {
    "displayName": str | None,
    "bio": str | None,
    "headshots": list[Headshot],
    "links": list[Link],
    "workLocation": list[str],
    "training": list[TrainingSummary],
    "resume": Resume,
}
FIELD_TYPES: dict[ProfileType, dict[str, Any]] = {
    "dancer": {
        **COMMON_FIELD_TYPES,
        "attributes": Attributes | None,
        "sizing": Sizing | None,
        "sagAftraId": str | None,
        "representationStatus": RepresentationStatus | None,
        "representation": Representation | None,
    },
    "choreographer": {**COMMON_FIELD_TYPES, "companyName": str | None},
}
"""The declared type of each legacy field on a profile of each type."""

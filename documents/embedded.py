"""Models embedded in profile documents.

They are deliberately permissive: a document must load every value a migration wrote
(a 12,000-character legacy bio stays whole), and unknown nested keys are kept, not
dropped. The limits of what clients may send live in the API's request schemas.
"""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

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

"""Response bodies, as declared in the OpenAPI schema.

The fields only owners and admins see (`sagAftraId`, `sizing`, `attributes.birthYear`,
agent contact details) are optional: the public view leaves them out.
"""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from api.schemas.section_items import (
    AuditionOut,
    AvailabilityOut,
    PortfolioOut,
    RateCardOut,
    SpecialisationOut,
    VideoOut,
    WorkshopOut,
)
from documents.vocabulary import ProfileType, RepresentationStatus


class Problem(BaseModel):
    """An error (RFC 9457 problem details)."""

    type: str | None = None
    title: str
    status: int
    detail: str
    errors: list[dict[str, Any]] | None = Field(
        default=None, description="Validation errors, each with the `field` path and a `message`"
    )


class HeadshotOut(BaseModel):
    storageId: str | None = None
    url: str | None = None
    title: str | None = None
    position: int
    uploadedAt: datetime | None = None


class LinkOut(BaseModel):
    label: str | None = None
    url: str | None = None


class TrainingSummaryOut(BaseModel):
    name: str | None = None
    type: str | None = None


class ResumeUploadOut(BaseModel):
    storageId: str | None = None
    title: str | None = None


class ResumeOut(BaseModel):
    skills: list[str]
    danceStyles: list[str]
    uploads: list[ResumeUploadOut]


class HeightOut(BaseModel):
    feet: int | None = None
    inches: float | None = None


class AttributesOut(BaseModel):
    gender: str | None = None
    ethnicity: list[str] = []
    hairColor: str | None = None
    eyeColor: str | None = None
    height: HeightOut | None = None
    birthYear: int | None = Field(default=None, description="Owner and admins only")


class SizingOut(BaseModel):
    shirt: str | float | None = None
    pants: str | float | None = None
    shoe: str | float | None = None
    waist: str | float | None = None
    chest: str | float | None = None
    hips: str | float | None = None
    inseam: str | float | None = None


class RepresentationOut(BaseModel):
    agencyName: str | None = None
    agentName: str | None = Field(default=None, description="Owner and admins only")
    email: str | None = Field(default=None, description="Owner and admins only")
    phone: str | None = Field(default=None, description="Owner and admins only")


class RepresentationPartOut(BaseModel):
    """A dancer's representation status and agency."""

    representationStatus: RepresentationStatus | None
    representation: RepresentationOut | None


class ProfileOutBase(BaseModel):
    id: str
    userId: str
    displayName: str | None
    isActive: bool
    isPrimary: bool
    listed: bool
    completeness: int = Field(ge=0, le=100)
    bio: str | None
    headshots: list[HeadshotOut]
    links: list[LinkOut]
    workLocation: list[str]
    training: list[TrainingSummaryOut]
    resume: ResumeOut
    createdAt: datetime
    updatedAt: datetime
    version: int = Field(description="Incremented by every write; the ETag")


class DancerOut(ProfileOutBase):
    """A dancer profile (full view for its owner and admins, public view for others)."""

    profileType: Literal["dancer"]
    attributes: AttributesOut | None
    sizing: SizingOut | None = Field(default=None, description="Owner and admins only")
    sagAftraId: str | None = Field(default=None, description="Owner and admins only")
    representationStatus: RepresentationStatus | None
    representation: RepresentationOut | None
    availability: list[AvailabilityOut]
    specialisations: list[SpecialisationOut]
    videos: list[VideoOut]
    auditions: list[AuditionOut]


class ChoreographerOut(ProfileOutBase):
    """A choreographer profile."""

    profileType: Literal["choreographer"]
    companyName: str | None
    verified: bool
    verifiedAt: datetime | None
    verifiedBy: str | None
    workshops: list[WorkshopOut]
    rateCards: list[RateCardOut]
    portfolio: list[PortfolioOut]


ProfileOut = DancerOut | ChoreographerOut


class ProfileList(BaseModel):
    """A page of profiles; follow `nextCursor` until it is null."""

    items: list[DancerOut | ChoreographerOut]
    nextCursor: str | None


class SwitcherFields(BaseModel):
    missing: list[str] = Field(
        description="Completeness sections still missing to reach 100 (see `completeness`)"
    )


class MyDancerOut(DancerOut, SwitcherFields):
    """The caller's dancer profile in their profile switcher."""


class MyChoreographerOut(ChoreographerOut, SwitcherFields):
    """The caller's choreographer profile in their profile switcher."""


class MyProfileList(BaseModel):
    """The caller's profiles, the active one first, each with what it still misses."""

    items: list[MyDancerOut | MyChoreographerOut]
    nextCursor: str | None


class ComparedProfile(BaseModel):
    id: str
    completeness: int = Field(ge=0, le=100)


class FieldComparison(BaseModel):
    field: str = Field(description="The field; `resume.skills` names a field of `resume`")
    same: bool
    dancer: Any = Field(description="The dancer profile's value")
    choreographer: Any = Field(description="The choreographer profile's value")


class ProfileComparison(BaseModel):
    """The caller's two profiles side by side, over the fields both types have."""

    dancer: ComparedProfile
    choreographer: ComparedProfile
    fields: list[FieldComparison]


class ProfileTemplateOut(BaseModel):
    """A named starter set of profile fields."""

    name: str
    profileType: ProfileType
    fields: dict[str, Any] = Field(description="A profile patch of that type")
    updatedAt: datetime | None
    updatedBy: str | None = Field(description="The authId of the admin who last wrote it")


class ProfileTemplateList(BaseModel):
    """Every profile template, by profile type then name."""

    items: list[ProfileTemplateOut]


class DancerList(BaseModel):
    items: list[DancerOut]
    nextCursor: str | None


class ChoreographerList(BaseModel):
    items: list[ChoreographerOut]
    nextCursor: str | None


class MeOut(BaseModel):
    """The caller's account and the whole active profile (null when there is none)."""

    id: str
    authId: str
    email: str | None
    fullName: str | None
    onboardingComplete: bool
    activeProfileType: ProfileType | None
    activeProfile: DancerOut | ChoreographerOut | None


class Health(BaseModel):
    status: str

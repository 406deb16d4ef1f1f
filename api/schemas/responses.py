"""Response bodies, as declared in the OpenAPI schema.

The fields only owners and admins see (`sagAftraId`, `sizing`, `attributes.birthYear`,
agent contact details) are optional: the public view leaves them out.
"""

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

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


class FieldError(BaseModel):
    """One input at fault."""

    field: str = Field(
        description="Where: a dotted path in the request body (`activeProfile.bio`,"
        " `headshots.0.url`), or the name of a query parameter or header (`If-Match`)"
    )
    message: str = Field(description="What is wrong with it, for a person")
    source: Literal["body", "query", "path", "header", "cookie"] | None = None


class Problem(BaseModel):
    """An error (RFC 9457 problem details): branch on `type`, show `detail`."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "urn:profiles:problem:invalid-input",
                    "title": "Unprocessable Entity",
                    "status": 422,
                    "detail": "invalid input in headshots.0.url",
                    "errors": [
                        {
                            "field": "headshots.0.url",
                            "message": "String should match pattern '^https?://...'",
                            "source": "body",
                        }
                    ],
                },
                {
                    "type": "urn:profiles:problem:stale-version",
                    "title": "Precondition Failed",
                    "status": 412,
                    "detail": "the profile is at version 8, not 7: it changed since you read it;"
                    " read it again and reapply your change",
                },
            ]
        }
    )

    type: str
    title: str
    status: int = Field(ge=400, le=599)
    detail: str
    errors: list[FieldError] | None = Field(
        default=None, description="With `invalid-input`: every input at fault"
    )
    pendingMigrations: list[int] | None = Field(
        default=None,
        description="With `unavailable` from `/health/ready`: the migrations"
        " this release needs that are not applied",
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
AnyProfileOut = Annotated[DancerOut | ChoreographerOut, Field(discriminator="profileType")]
"""A profile of either kind inside a body: `profileType` says which."""


class ProfileList(BaseModel):
    """A page of profiles; follow `nextCursor` until it is null."""

    items: list[AnyProfileOut]
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

    items: list[Annotated[MyDancerOut | MyChoreographerOut, Field(discriminator="profileType")]]
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
    activeProfile: AnyProfileOut | None


class Health(BaseModel):
    status: str

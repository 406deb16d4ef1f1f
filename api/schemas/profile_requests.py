"""Request bodies that write profile fields.

Every field is optional and nullable: a PATCH body is a JSON merge patch (absent keys
stay, `null` clears, objects merge), and a creation body is the same patch applied to an
empty profile. Server-owned fields are not declared, so a body naming one is a 422.
"""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, RootModel

from api.schemas.fields import (
    MAX_HEADSHOTS,
    MAX_LINKS,
    MAX_LIST,
    Email,
    HttpUrl,
    LongText,
    Name,
    Phone,
    RequestModel,
    ShortText,
    SizeValue,
    StorageId,
    Title,
)

RepresentationStatus = Literal["represented", "seeking", "independent"]


class HeadshotIn(RequestModel):
    storageId: StorageId
    url: HttpUrl
    title: Title | None = None
    position: Annotated[int, Field(ge=0, le=1000)] | None = None
    uploadedAt: datetime | None = None


class LinkIn(RequestModel):
    label: ShortText | None = None
    url: HttpUrl


class TrainingSummaryIn(RequestModel):
    name: Title
    type: ShortText | None = None


class ResumeUploadIn(RequestModel):
    storageId: StorageId
    title: Title | None = None


class ResumePatch(RequestModel):
    skills: Annotated[list[ShortText], Field(max_length=MAX_LIST)] | None = None
    danceStyles: Annotated[list[ShortText], Field(max_length=MAX_LIST)] | None = None
    uploads: Annotated[list[ResumeUploadIn], Field(max_length=MAX_LIST)] | None = None


class HeightIn(RequestModel):
    feet: Annotated[int, Field(ge=0, le=9)] | None = None
    inches: Annotated[float, Field(ge=0, lt=12)] | None = None


class AttributesPatch(RequestModel):
    gender: ShortText | None = None
    ethnicity: Annotated[list[ShortText], Field(max_length=10)] | None = None
    hairColor: ShortText | None = None
    eyeColor: ShortText | None = None
    height: HeightIn | None = None
    birthYear: Annotated[int, Field(ge=1900, le=2100)] | None = None


class SizingPatch(RequestModel):
    shirt: SizeValue | None = None
    pants: SizeValue | None = None
    shoe: SizeValue | None = None
    waist: SizeValue | None = None
    chest: SizeValue | None = None
    hips: SizeValue | None = None
    inseam: SizeValue | None = None


class RepresentationPatch(RequestModel):
    agencyName: Title | None = None
    agentName: Title | None = None
    email: Email | None = None
    phone: Phone | None = None


class ProfilePatchBase(RequestModel):
    """Fields every profile has."""

    displayName: Name | None = None
    bio: LongText | None = None
    listed: bool | None = Field(default=None, description="Shown in discovery listings")
    headshots: Annotated[list[HeadshotIn], Field(max_length=MAX_HEADSHOTS)] | None = None
    links: Annotated[list[LinkIn], Field(max_length=MAX_LINKS)] | None = None
    workLocation: Annotated[list[ShortText], Field(max_length=MAX_LINKS)] | None = None
    training: Annotated[list[TrainingSummaryIn], Field(max_length=MAX_LIST)] | None = None
    resume: ResumePatch | None = None


class DancerPatch(ProfilePatchBase):
    """A JSON merge patch of a dancer profile."""

    attributes: AttributesPatch | None = None
    sizing: SizingPatch | None = None
    sagAftraId: ShortText | None = None
    representationStatus: RepresentationStatus | None = None
    representation: RepresentationPatch | None = None


class ChoreographerPatch(ProfilePatchBase):
    """A JSON merge patch of a choreographer profile."""

    companyName: Title | None = None


class NewDancerProfile(DancerPatch):
    """A dancer profile to create."""

    profileType: Literal["dancer"]


class NewChoreographerProfile(ChoreographerPatch):
    """A choreographer profile to create."""

    profileType: Literal["choreographer"]


class NewProfile(
    RootModel[
        Annotated[NewDancerProfile | NewChoreographerProfile, Field(discriminator="profileType")]
    ]
):
    """A profile to create: its `profileType` and its fields."""


class AccountFields(RequestModel):
    """Account data given at onboarding; the token's claims fill what is absent."""

    email: Email | None = None
    fullName: Name | None = None


class DancerOnboarding(NewDancerProfile, AccountFields):
    """Onboarding as a dancer."""


class ChoreographerOnboarding(NewChoreographerProfile, AccountFields):
    """Onboarding as a choreographer."""


class Onboarding(
    RootModel[
        Annotated[DancerOnboarding | ChoreographerOnboarding, Field(discriminator="profileType")]
    ]
):
    """Onboarding: the profile type, its fields, and optional account data."""


class SwitchProfile(RequestModel):
    """The profile type to make active."""

    profileType: Literal["dancer", "choreographer"]


class MePatch(AccountFields):
    """A JSON merge patch of the caller: account fields and the active profile's fields."""

    activeProfile: DancerPatch | ChoreographerPatch | None = None

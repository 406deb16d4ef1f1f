"""Request bodies that write profile fields.

Every field is optional and nullable: a PATCH body is a JSON merge patch (absent keys
stay, `null` clears, objects merge), and a creation body is the same patch applied to an
empty profile. Server-owned fields are not declared, so a body naming one is a 422.
"""

from typing import Annotated, Any, Literal

from pydantic import Field, RootModel, StringConstraints, field_validator

from api.schemas.fields import (
    INTEGRAL,
    MAX_HEADSHOTS,
    MAX_LINKS,
    MAX_LIST,
    Email,
    HttpUrl,
    IsoDateTime,
    LongText,
    Name,
    Phone,
    RequestModel,
    ShortText,
    SizeValue,
    StorageId,
    Title,
)
from documents.dance_styles import canonical_style
from documents.vocabulary import ProfileType, RepresentationStatus
from service.profiles.templates import NAME_PATTERN as TEMPLATE_NAME_PATTERN


class HeadshotIn(RequestModel):
    storageId: StorageId
    url: HttpUrl
    title: Title | None = None
    position: Annotated[int, Field(ge=0, le=1000), INTEGRAL] | None = None
    uploadedAt: IsoDateTime | None = None


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
    danceStyles: Annotated[list[ShortText], Field(max_length=MAX_LIST)] | None = Field(
        default=None,
        description="Styles of the known vocabulary (`GET /v1/dance-styles`) are stored in"
        " its spelling (`hip hop` becomes `Hip-Hop`); others are kept as typed",
    )
    uploads: Annotated[list[ResumeUploadIn], Field(max_length=MAX_LIST)] | None = None

    @field_validator("danceStyles")
    @classmethod
    def _canonical_styles(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else [canonical_style(style) for style in value]


class HeightIn(RequestModel):
    feet: Annotated[int, Field(ge=0, le=9), INTEGRAL] | None = None
    inches: Annotated[float, Field(ge=0, lt=12)] | None = None


class AttributesPatch(RequestModel):
    gender: ShortText | None = None
    ethnicity: Annotated[list[ShortText], Field(max_length=10)] | None = None
    hairColor: ShortText | None = None
    eyeColor: ShortText | None = None
    height: HeightIn | None = None
    birthYear: Annotated[int, Field(ge=1900, le=2100), INTEGRAL] | None = None


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


TemplateName = Annotated[str, StringConstraints(pattern=TEMPLATE_NAME_PATTERN)]
CopyableField = Literal["headshots", "links", "bio", "training"]


class FromTemplate(RequestModel):
    """The admin-defined template a new profile starts from (never stored itself)."""

    template: TemplateName | None = Field(
        default=None,
        description="Name of a profile template of this type: its fields are applied first,"
        " the body's own fields on top; an unknown one is a 422",
    )


class CopyFromOtherProfile(RequestModel):
    """Fields a second profile copies from the caller's other profile (never stored)."""

    copyFrom: Annotated[list[CopyableField], Field(max_length=4)] | None = Field(
        default=None,
        description="Fields copied from your other profile, over the template's and under"
        " the body's own",
    )


class NewDancerProfile(DancerPatch, FromTemplate):
    """A dancer profile to create."""

    profileType: Literal["dancer"]


class NewChoreographerProfile(ChoreographerPatch, FromTemplate):
    """A choreographer profile to create."""

    profileType: Literal["choreographer"]


class AddedDancerProfile(NewDancerProfile, CopyFromOtherProfile):
    """A dancer profile added to an account that may have a choreographer profile."""


class AddedChoreographerProfile(NewChoreographerProfile, CopyFromOtherProfile):
    """A choreographer profile added to an account that may have a dancer profile."""


class NewProfile(
    RootModel[
        Annotated[
            AddedDancerProfile | AddedChoreographerProfile, Field(discriminator="profileType")
        ]
    ]
):
    """A profile to add: its `profileType`, its fields, and optionally a `template` and
    fields to `copyFrom` the other profile."""


STARTER_KEYS = frozenset({"profileType", "template", "copyFrom"})
"""Keys of a creation body that choose how the profile starts; never profile fields."""


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

    profileType: ProfileType


class MePatch(AccountFields):
    """A JSON merge patch of the caller: account fields and the active profile's fields."""

    activeProfile: DancerPatch | ChoreographerPatch | None = None


class TemplateBody(RequestModel):
    """A profile template's fields."""

    fields: dict[str, Any] = Field(
        description="A profile patch of the template's type (as `DancerPatch` or"
        " `ChoreographerPatch`), validated as a profile creation is; server-owned and"
        " unknown fields are a 422"
    )

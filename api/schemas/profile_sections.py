"""Request bodies of a profile's sections and parts: one model to add an item (required
fields required) and one to change it (a JSON merge patch: everything optional)."""

from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints, field_validator

from api.schemas.fields import (
    INTEGRAL,
    LINE,
    MAX_LINKS,
    NFC,
    TEXT,
    HttpUrl,
    IsoDate,
    RequestModel,
    StorageId,
    Title,
    not_null,
)
from api.schemas.profile_requests import LinkIn, RepresentationPatch
from documents.dance_styles import canonical_style
from documents.vocabulary import (
    AuditionOutcome,
    AvailabilityStatus,
    RateUnit,
    RepresentationStatus,
    StyleLevel,
)

Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Amount = Annotated[float, Field(ge=0, le=1_000_000)]
Year = Annotated[int, Field(ge=1900, le=2100), INTEGRAL]
Note = Annotated[str, StringConstraints(max_length=500, pattern=TEXT), NFC]
Style = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=LINE), NFC]


class StyleMixin(BaseModel):
    @field_validator("style", check_fields=False)
    @classmethod
    def _canonical(cls, value: str | None) -> str | None:
        return None if value is None else canonical_style(value)


class AvailabilityIn(RequestModel):
    """A date range (both ends included, at most 366 days) and its status."""

    start: IsoDate
    end: IsoDate
    status: AvailabilityStatus = "available"
    note: Note | None = None


class AvailabilityPatch(RequestModel):
    start: IsoDate = not_null()
    end: IsoDate = not_null()
    status: AvailabilityStatus = not_null()
    note: Note | None = None


class SpecialisationIn(StyleMixin, RequestModel):
    """A dance style (matched to the known vocabulary where it can be) and a level."""

    style: Style
    level: StyleLevel | None = None


class SpecialisationPatch(StyleMixin, RequestModel):
    style: Style = not_null()
    level: StyleLevel | None = None


class VideoIn(StyleMixin, RequestModel):
    """A performance video: where it is, and what it shows."""

    url: HttpUrl
    title: Title | None = None
    durationSeconds: Annotated[int, Field(ge=1, le=36_000), INTEGRAL] | None = None
    style: Style | None = None


class VideoPatch(StyleMixin, RequestModel):
    url: HttpUrl = not_null()
    title: Title | None = None
    durationSeconds: Annotated[int, Field(ge=1, le=36_000), INTEGRAL] | None = None
    style: Style | None = None


class AuditionIn(RequestModel):
    """An audition: production, date, role, outcome."""

    production: Annotated[Title, StringConstraints(min_length=1)]
    date: IsoDate | None = None
    role: Title | None = None
    outcome: AuditionOutcome | None = None


class AuditionPatch(RequestModel):
    production: Annotated[Title, StringConstraints(min_length=1)] = not_null()
    date: IsoDate | None = None
    role: Title | None = None
    outcome: AuditionOutcome | None = None


class PriceIn(RequestModel):
    amount: Amount
    currency: Currency = "USD"


class WorkshopIn(RequestModel):
    """A workshop: dates (both included), a place or online, capacity and price."""

    title: Annotated[Title, StringConstraints(min_length=1)]
    startDate: IsoDate
    endDate: IsoDate
    location: Title | None = None
    online: bool = False
    capacity: Annotated[int, Field(ge=1, le=10_000), INTEGRAL] | None = None
    price: PriceIn | None = None


class WorkshopPatch(RequestModel):
    title: Annotated[Title, StringConstraints(min_length=1)] = not_null()
    startDate: IsoDate = not_null()
    endDate: IsoDate = not_null()
    location: Title | None = None
    online: bool | None = None
    capacity: Annotated[int, Field(ge=1, le=10_000), INTEGRAL] | None = None
    price: PriceIn | None = None


class RateCardIn(RequestModel):
    """What a service costs, per unit."""

    service: Annotated[Title, StringConstraints(min_length=1)]
    unit: RateUnit
    amount: Amount
    currency: Currency = "USD"


class RateCardPatch(RequestModel):
    service: Annotated[Title, StringConstraints(min_length=1)] = not_null()
    unit: RateUnit = not_null()
    amount: Amount = not_null()
    currency: Currency | None = None


class PortfolioIn(RequestModel):
    """A notable work."""

    title: Annotated[Title, StringConstraints(min_length=1)]
    year: Year | None = None
    artist: Title | None = None
    role: Title | None = None
    link: HttpUrl | None = None


class PortfolioPatch(RequestModel):
    title: Annotated[Title, StringConstraints(min_length=1)] = not_null()
    year: Year | None = None
    artist: Title | None = None
    role: Title | None = None
    link: HttpUrl | None = None


SECTION_MODELS: dict[str, tuple[type[RequestModel], type[RequestModel]]] = {
    "availability": (AvailabilityIn, AvailabilityPatch),
    "specialisations": (SpecialisationIn, SpecialisationPatch),
    "videos": (VideoIn, VideoPatch),
    "auditions": (AuditionIn, AuditionPatch),
    "workshops": (WorkshopIn, WorkshopPatch),
    "rate-cards": (RateCardIn, RateCardPatch),
    "portfolio": (PortfolioIn, PortfolioPatch),
}
"""Per section path: the body that adds an item and the body that changes one."""


class NewHeadshot(RequestModel):
    """A headshot to add (at the end, or first with `primary`)."""

    storageId: StorageId
    url: HttpUrl
    title: Title | None = None
    primary: bool = False


class HeadshotPatch(RequestModel):
    url: HttpUrl | None = None
    title: Title | None = None


class HeadshotOrder(RequestModel):
    """Every headshot's storage id, in the new order (the first is primary)."""

    storageIds: Annotated[list[StorageId], Field(max_length=100)]


class LinksIn(RequestModel):
    """The whole list of links (label and http(s) URL)."""

    links: Annotated[list[LinkIn], Field(max_length=MAX_LINKS)]


class RepresentationIn(RequestModel):
    """A JSON merge patch of a dancer's representation."""

    representationStatus: RepresentationStatus | None = None
    representation: RepresentationPatch | None = None

"""Response bodies of the items of a profile's phase-6 sections, as stored: every item
has the `id` the server gave it. Dates are `YYYY-MM-DD` strings."""

from pydantic import BaseModel, Field, create_model

from documents.vocabulary import AuditionOutcome, AvailabilityStatus, RateUnit, StyleLevel


class SectionItemOut(BaseModel):
    id: str = Field(description="The item's id, given by the server")


class AvailabilityOut(SectionItemOut):
    start: str
    end: str
    status: AvailabilityStatus
    note: str | None = None


class SpecialisationOut(SectionItemOut):
    style: str
    level: StyleLevel | None = None


class VideoOut(SectionItemOut):
    url: str
    title: str | None = None
    durationSeconds: int | None = None
    style: str | None = None


class AuditionOut(SectionItemOut):
    production: str
    date: str | None = None
    role: str | None = None
    outcome: AuditionOutcome | None = None


class PriceOut(BaseModel):
    amount: float
    currency: str


class WorkshopOut(SectionItemOut):
    title: str
    startDate: str
    endDate: str
    location: str | None = None
    online: bool
    capacity: int | None = None
    price: PriceOut | None = None


class RateCardOut(SectionItemOut):
    service: str
    unit: RateUnit
    amount: float
    currency: str


class PortfolioOut(SectionItemOut):
    title: str
    year: int | None = None
    artist: str | None = None
    role: str | None = None
    link: str | None = None


SECTION_ITEM_MODELS: dict[str, type[SectionItemOut]] = {
    "availability": AvailabilityOut,
    "specialisations": SpecialisationOut,
    "videos": VideoOut,
    "auditions": AuditionOut,
    "workshops": WorkshopOut,
    "rate-cards": RateCardOut,
    "portfolio": PortfolioOut,
}
"""Per section path: one item as responses carry it."""


def _list_model(path: str, item: type[SectionItemOut]) -> type[BaseModel]:
    name = item.__name__.removesuffix("Out") + "List"
    return create_model(
        name,
        __base__=BaseModel,
        __doc__=f"The {path} items, in order.",
        items=(list[item], ...),  # type: ignore[valid-type]
    )


SECTION_LIST_MODELS: dict[str, type[BaseModel]] = {
    path: _list_model(path, item) for path, item in SECTION_ITEM_MODELS.items()
}
"""Per section path: the list of its items, `{"items": [...]}`."""

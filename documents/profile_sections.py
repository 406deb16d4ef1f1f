"""Items of the profile sections added in the plan's phase 6, embedded in the profile.

Every item has an `id` (24 hex digits) the service assigns, so it can be changed or
removed on its own. Dates are ISO `YYYY-MM-DD` strings (they sort as dates and carry no
time zone). Permissive like the other embedded models: the limits are the API's.
"""

from documents.embedded import Embedded
from documents.vocabulary import AuditionOutcome, AvailabilityStatus, RateUnit, StyleLevel


class SectionItem(Embedded):
    id: str = ""


class AvailabilityRange(SectionItem):
    """Dancers: a date range and what it is (both ends included)."""

    start: str = ""
    end: str = ""
    status: AvailabilityStatus = "available"
    note: str | None = None


class StyleSpecialisation(SectionItem):
    """Dancers: a dance style and the level in it."""

    style: str = ""
    level: StyleLevel | None = None


class PerformanceVideo(SectionItem):
    """Dancers: a performance video (the file lives elsewhere)."""

    url: str = ""
    title: str | None = None
    durationSeconds: int | None = None
    style: str | None = None


class Audition(SectionItem):
    """Dancers: an audition and how it went."""

    production: str = ""
    date: str | None = None
    role: str | None = None
    outcome: AuditionOutcome | None = None


class Price(Embedded):
    amount: float = 0
    currency: str = "USD"


class Workshop(SectionItem):
    """Choreographers: a workshop on given dates, in a place or online."""

    title: str = ""
    startDate: str = ""
    endDate: str = ""
    location: str | None = None
    online: bool = False
    capacity: int | None = None
    price: Price | None = None


class RateCard(SectionItem):
    """Choreographers: what a service costs."""

    service: str = ""
    unit: RateUnit = "hour"
    amount: float = 0
    currency: str = "USD"


class PortfolioWork(SectionItem):
    """Choreographers: a notable work."""

    title: str = ""
    year: int | None = None
    artist: str | None = None
    role: str | None = None
    link: str | None = None


ITEM_SECTIONS: dict[str, type[SectionItem]] = {
    "availability": AvailabilityRange,
    "specialisations": StyleSpecialisation,
    "videos": PerformanceVideo,
    "auditions": Audition,
    "workshops": Workshop,
    "rateCards": RateCard,
    "portfolio": PortfolioWork,
}
"""Profile fields whose items carry an `id`, and the model of their items."""

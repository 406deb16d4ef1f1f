"""Query parameters and bodies of the discovery endpoints."""

from datetime import date as Date  # noqa: N812
from typing import Annotated, Any

from litestar.openapi.spec import OpenAPIType, Schema
from litestar.params import QueryParameter
from pydantic import BaseModel, Field

from api.schemas.fields import NO_NUL
from api.schemas.responses import AnyProfileOut, ChoreographerOut, DancerOut
from documents.vocabulary import RepresentationStatus
from service.search.query import MAX_FILTER_VALUE_LENGTH, MAX_FILTER_VALUES, MAX_QUERY_WORDS

Q = Annotated[
    str | None,
    QueryParameter(
        max_length=200,
        pattern=NO_NUL,
        description="Words to find: each must match a word, or the start of one, of the"
        " name, company, dance styles or work locations (case and accents ignored). When"
        " nothing matches, words of five letters or more may differ by one typo. At most"
        f" {MAX_QUERY_WORDS} different words (more: 422).",
    ),
]
Limit = Annotated[int, QueryParameter(ge=1, le=100, description="Page size (at most 100)")]
Cursor = Annotated[
    str | None,
    QueryParameter(
        max_length=2000,
        pattern=NO_NUL,
        description="`nextCursor` of the previous page of this search",
    ),
]
FILTER_VALUES: dict[str, Any] = {
    "max_items": MAX_FILTER_VALUES,
    "schema_extra": {
        "items": Schema(
            type=OpenAPIType.STRING,
            max_length=MAX_FILTER_VALUE_LENGTH,
            description="Needs a letter or digit (of any script). Not written as a pattern:"
            " `\\p{L}` is not a regex every validator reads",
        )
    },
}
"""A filter taking several values: at most 20, each with a letter or digit."""
Styles = Annotated[
    list[str] | None,
    QueryParameter(
        name="style",
        **FILTER_VALUES,
        description="Dance style (repeat for any of several); compared without case,"
        " accents or punctuation: `Hip-Hop` is `hip hop`",
    ),
]
Locations = Annotated[
    list[str] | None,
    QueryParameter(
        name="location", **FILTER_VALUES, description="Work location, as `style` (`Atlanta, GA`)"
    ),
]
Representation = Annotated[
    list[RepresentationStatus] | None,
    QueryParameter(max_items=MAX_FILTER_VALUES, description="Dancers: representation status"),
]
Genders = Annotated[
    list[str] | None,
    QueryParameter(name="gender", **FILTER_VALUES, description="Dancers: gender, as `style`"),
]
UnionMember = Annotated[
    bool | None,
    QueryParameter(description="Dancers: SAG-AFTRA member or not"),
]
Verified = Annotated[
    bool | None, QueryParameter(description="Choreographers: verified by the app or not")
]
AvailableFrom = Annotated[
    Date | None,
    QueryParameter(
        description="Dancers available on every day from this date (with `availableTo`):"
        " covered by their `available` ranges and not overlapping a `booked` one"
    ),
]
AvailableTo = Annotated[
    Date | None, QueryParameter(description="Last day of `availableFrom` (at most 366 days)")
]
WithFacets = Annotated[
    bool,
    QueryParameter(
        name="facets",
        description="Also count dance styles and work locations over the results (at most"
        " the first 1,000 results are counted)",
    ),
]


class FacetValue(BaseModel):
    value: str = Field(description="The value as filters take it (folded)")
    count: int


class FacetsOut(BaseModel):
    """Counts over the first `counted` results (all of them when `complete`)."""

    styles: list[FacetValue]
    locations: list[FacetValue]
    counted: int
    complete: bool


class SearchPageBase(BaseModel):
    nextCursor: str | None = Field(description="Follow until null; every match comes once")
    typoTolerant: bool = Field(
        description="True when nothing matched exactly and these results forgive one typo"
        " in words of five letters or more"
    )
    facets: FacetsOut | None = Field(default=None, description="With `facets=true`")


class DancerPage(SearchPageBase):
    """A page of dancers, best match first."""

    items: list[DancerOut]


class ChoreographerPage(SearchPageBase):
    """A page of choreographers, best match first."""

    items: list[ChoreographerOut]


class SearchPage(SearchPageBase):
    """A page of dancers and choreographers, best match first (`profileType` says which)."""

    items: list[AnyProfileOut]

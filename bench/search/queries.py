"""The fixed mix of searches of the search benchmark, in three groups: selective (each
finds its planted profiles and nothing else, at every size), share (rare words of the
drawn profiles: a small share of them, so 10x the profiles is 10x the matches) and broad
(listings, a one-letter prefix, common filters, facets)."""

from dataclasses import dataclass

from bench.wire import ProfileType
from service.search.query import SearchFilters, SearchQuery

DANCERS: tuple[ProfileType, ...] = ("dancer",)
CHOREOGRAPHERS: tuple[ProfileType, ...] = ("choreographer",)
EVERYONE: tuple[ProfileType, ...] = ("dancer", "choreographer")


@dataclass(frozen=True)
class Case:
    """One query of the mix, with the label it is printed under."""

    label: str
    query: SearchQuery


def _six_shapes(
    surname: str, two_words: str, style: str, typo: str, company: str, accented: str
) -> list[Case]:
    """A surname, two words, a style in a city, a typo, a company word among verified
    choreographers and an accented name across both kinds."""
    return [
        Case(f"surname: {surname.lower()}", SearchQuery(kinds=DANCERS, text=surname)),
        Case(f"two words: {two_words}", SearchQuery(kinds=DANCERS, text=two_words)),
        Case(
            f"style + city: {style.lower()}, chicago",
            SearchQuery(
                kinds=DANCERS,
                filters=SearchFilters(styles=(style,), locations=("Chicago, IL",)),
            ),
        ),
        Case(f"one typo: {typo.lower()}", SearchQuery(kinds=DANCERS, text=typo)),
        Case(
            f"verified choreographers: {company}",
            SearchQuery(kinds=CHOREOGRAPHERS, text=company, filters=SearchFilters(verified=True)),
        ),
        Case(
            f"accented name, both kinds: {accented.lower()}",
            SearchQuery(kinds=EVERYONE, text=accented),
        ),
    ]


SELECTIVE = _six_shapes("Oyelaran", "anouk mar", "Bomba", "Wojciehowska", "tessellate", "Maëlys")
"""Each matches the planted profiles (`tests.factories.drawn.PLANTED`) of its rare word (a
rare first name with a common prefix; a rare style in a common city): `PLANTED_COPIES`
at every size (checked at run time)."""

SHARE = _six_shapes("Okonkwo", "sofia mar", "Tango", "Fitzgerold", "obsidian", "Inès")
"""Rare words of the drawn profiles (two common words): each matches a small share of
them (under 1 %), so 10x the profiles is 10x the matches."""

BROAD = [
    Case("dancers listing, no q", SearchQuery(kinds=DANCERS)),
    Case("both kinds, no q (/v1/search)", SearchQuery(kinds=EVERYONE)),
    Case("prefix a, both kinds", SearchQuery(kinds=EVERYONE, text="a")),
    Case("common style: hip-hop", SearchQuery(kinds=DANCERS, filters=SearchFilters(("Hip-Hop",)))),
    Case(
        "common city: los angeles",
        SearchQuery(kinds=DANCERS, filters=SearchFilters(locations=("Los Angeles, CA",))),
    ),
    Case("common word, both kinds: jazz", SearchQuery(kinds=EVERYONE, text="jazz")),
    Case(
        "facets on hip-hop",
        SearchQuery(kinds=DANCERS, filters=SearchFilters(styles=("Hip-Hop",)), facets=True),
    ),
]
"""Listings, a one-letter prefix, common filters, both kinds, facets."""

GROUPS = {"selective": SELECTIVE, "share": SHARE, "broad": BROAD}
COUNTED = ("selective", "share")
"""The groups whose matches are counted to the end (and checked)."""

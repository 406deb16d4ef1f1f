"""The searches of the crafted-search benchmark, all on `GET /v1/search` (both kinds):
the typical mix and the crafted ones, and the limit on the commands of each page."""

from dataclasses import dataclass, field

from bench.crafted.data import ABSENT, FREQUENT_APART
from documents.derived.words import words

PATH = "/v1/search"
KINDS = 2
"""Kinds of profile `/v1/search` reads."""
REPEATED = " ".join(["atlanta"] * 7 + [ABSENT[1]])


@dataclass(frozen=True)
class Search:
    """One search of the benchmark: its label and query parameters."""

    label: str
    params: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """Its `q` ("" for a listing)."""
        return self.params.get("q", "")

    @property
    def levels(self) -> int:
        """Rank levels of its pages: its distinct words (as the service reads `q`:
        folded, a repeated word once) + 1; 1 for a listing."""
        return len(dict.fromkeys(words(self.text))) + 1 if words(self.text) else 1

    @property
    def command_limit(self) -> int:
        """The most database commands a warm page of it should take: levels x kinds."""
        return self.levels * KINDS


def typical(surname: str) -> list[Search]:
    """A name prefix, a surname of the data, the city and the plain listing."""
    return [
        Search("name prefix: gin", {"q": "gin"}),
        Search(f"surname: {surname.lower()}", {"q": surname.lower()}),
        Search("city: atlanta", {"q": "atlanta"}),
        Search("listing, no q"),
    ]


CRAFTED = [
    Search("repeated word + absent word", {"q": REPEATED}),
    Search(f"common + absent: atlanta {ABSENT[0]}", {"q": f"atlanta {ABSENT[0]}"}),
    Search(
        "two frequent, never together: " + " ".join(FREQUENT_APART).lower(),
        {"q": " ".join(FREQUENT_APART).lower()},
    ),
    Search(
        "repeated + absent, facets, limit 100",
        {"q": REPEATED, "facets": "true", "limit": "100"},
    ),
]
"""Each finds nothing (checked at run time), the words common in the data or absent."""

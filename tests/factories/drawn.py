"""Generated profiles for the search benchmark (`bench.search`), stored the way the service
stores them: the profile fields, then `completeness`, `searchTokens` and `rankKey` derived
by the service's own rules.

The generator is deterministic (`random.Random(seed)`): the same seed and count give the
same profiles, ids included. About 80 % are dancers, 20 % choreographers, 3 % unlisted.
Names, styles and cities are drawn with a skewed (Zipf-like) distribution, most common
first in each list, so some values are common and the tail is rare.
"""

import itertools
import struct
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from random import Random
from typing import Any

from bson import ObjectId
from pymongo.asynchronous.database import AsyncDatabase

from documents.derived.completeness import compute_completeness
from documents.derived.search_fields import search_fields
from documents.vocabulary import ProfileType
from tests.factories.words import (
    BIOS,
    CITIES,
    COMPANY_KINDS,
    COMPANY_WORDS,
    FIRST_NAMES,
    GENDERS,
    LAST_NAMES,
    REPRESENTATION,
    STYLES,
)

MongoDocument = dict[str, Any]


DANCER_SHARE = 0.8
LISTED_SHARE = 0.97
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
ID_TIME = struct.pack(">I", 0x66000000)


@dataclass(frozen=True)
class Planted:
    """A profile put into every data set as given (listed), whatever its size: the matches
    of a selective query, the same few at 1x and at 10x."""

    kind: ProfileType
    first: str
    last: str
    styles: tuple[str, ...] = ("Jazz",)
    cities: tuple[str, ...] = ("Los Angeles, CA",)
    company: str | None = None
    verified: bool = False


PLANTED_COPIES = 5
"""How many profiles each selective query of `bench.search` matches at every size."""

PLANTED_SERIALS = 1 << 40
"""The planted profiles' serials (user ids) start after this: beyond any drawn count."""

PLANTED_WORDS = ("Oyelaran", "Anouk", "Bomba", "Wojciechowska", "Tessellate", "Maëlys")
"""The words only planted profiles hold: none of them is in the lists drawn from."""

_MAR = [name for name in LAST_NAMES if name.lower().startswith("mar")]


def _planted() -> list[Planted]:
    """`PLANTED_COPIES` profiles for each selective query of `bench.search`: a rare word
    with common ones around it (common first names, common `mar...` surnames, a common
    style and city), so each query's other words and filters still meet the crowd."""
    planted: list[Planted] = []
    for copy in range(PLANTED_COPIES):
        common_first, common_last = FIRST_NAMES[copy * 3], LAST_NAMES[copy * 2]
        planted += [
            Planted("dancer", common_first, "Oyelaran"),
            Planted("dancer", "Anouk", _MAR[copy % len(_MAR)]),
            Planted("dancer", common_first, common_last, ("Bomba", "Hip-Hop"), ("Chicago, IL",)),
            Planted("dancer", common_first, "Wojciechowska"),
            Planted(
                "choreographer",
                common_first,
                common_last,
                company="Tessellate Dance Company",
                verified=True,
            ),
            Planted("dancer" if copy % 2 else "choreographer", "Maëlys", common_last),
        ]
    return planted


PLANTED = _planted()


def _zipf_weights(count: int, exponent: float) -> list[float]:
    """Cumulative weights of ranks 1..count, rank k weighing 1 / k**exponent."""
    return list(itertools.accumulate(1 / (rank**exponent) for rank in range(1, count + 1)))


class Draws:
    """Names, styles and cities drawn from `random.Random(seed)` with the skewed weights:
    the same seed, the same draws."""

    def __init__(self, seed: int) -> None:
        self.rng = Random(seed)
        self.serial = 0
        self._first = _zipf_weights(len(FIRST_NAMES), 0.5)
        self._last = _zipf_weights(len(LAST_NAMES), 0.6)
        self._styles = _zipf_weights(len(STYLES), 1.0)
        self._cities = _zipf_weights(len(CITIES), 1.0)

    def _pick(self, values: Sequence[str], weights: list[float]) -> str:
        """One of `values`, by cumulative `weights`."""
        return self.rng.choices(values, cum_weights=weights)[0]

    def _distinct(self, values: Sequence[str], weights: list[float], count: int) -> list[str]:
        """`count` different values, by cumulative `weights`."""
        chosen: list[str] = []
        while len(chosen) < count:
            value = self._pick(values, weights)
            if value not in chosen:
                chosen.append(value)
        return chosen


class ProfileGenerator(Draws):
    """Draws profiles from `random.Random(seed)`: the same seed, the same profiles."""

    def _object_id(self) -> ObjectId:
        return ObjectId(ID_TIME + self.rng.randbytes(8))

    def profile(self, planted: Planted | None = None) -> tuple[ProfileType, MongoDocument]:
        """The next profile: its kind and its document as the service stores it. With
        `planted`, the same draws, then its kind, name, styles, cities, company and
        verification in place of the drawn ones (listed)."""
        rng = self.rng
        self.serial += 1
        profile_type: ProfileType = "dancer" if rng.random() < DANCER_SHARE else "choreographer"
        first = self._pick(FIRST_NAMES, self._first)
        last = self._pick(LAST_NAMES, self._last)
        styles = self._distinct(STYLES, self._styles, rng.choice((1, 1, 2, 2, 3)))
        cities = self._distinct(CITIES, self._cities, rng.choice((1, 1, 1, 2)))
        if planted is not None:
            profile_type, first, last = planted.kind, planted.first, planted.last
            styles, cities = list(planted.styles), list(planted.cities)
        created = EPOCH + timedelta(seconds=rng.randrange(0, 365 * 24 * 3600))
        updated = created + timedelta(seconds=rng.randrange(0, 90 * 24 * 3600))
        bio = rng.choice(BIOS).format(first=first, style=styles[0], city=cities[0])
        profile_id = self._object_id()
        doc: MongoDocument = {
            "_id": profile_id,
            "userId": ObjectId(struct.pack(">IQ", 0x65000000, self.serial)),
            "isActive": True,
            "isPrimary": True,
            "listed": rng.random() < LISTED_SHARE,
            "displayName": f"{first} {last}",
            "bio": bio,
            "workLocation": cities,
            "resume": {"danceStyles": styles, "skills": [], "uploads": []},
            "headshots": [],
            "links": [],
            "training": [],
            "createdAt": created,
            "updatedAt": updated,
            "version": 1,
        }
        if profile_type == "dancer":
            doc["attributes"] = {"gender": rng.choices(GENDERS, weights=(55, 38, 7))[0]}
            doc["representationStatus"] = rng.choice(REPRESENTATION)
            member = rng.random() < 0.4
            doc["sagAftraId"] = f"SAG-{rng.randrange(1_000_000, 10_000_000)}" if member else ""
        else:
            company = rng.random() < 0.8
            doc["companyName"] = (
                f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_KINDS)}" if company else None
            )
            doc["verified"] = rng.random() < 0.25
            if planted is not None:
                doc["companyName"], doc["verified"] = planted.company, planted.verified
        if planted is not None:
            doc["listed"] = True
        completeness = compute_completeness(
            profile_type, doc, project_count=0, training_count=0
        ).score
        doc["completeness"] = completeness
        doc.update(search_fields(profile_type, doc, completeness, profile_id))
        return profile_type, doc

    def profiles(self, count: int) -> Iterator[tuple[ProfileType, MongoDocument]]:
        """The next `count` profiles."""
        for _ in range(count):
            yield self.profile()


COLLECTIONS: dict[ProfileType, str] = {"dancer": "dancers", "choreographer": "choreographers"}


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


async def load_profiles(
    db: AsyncDatabase[MongoDocument],
    count: int,
    *,
    seed: int = 42,
    chunk: int = 1000,
    planted: Sequence[Planted] = (),
    say: Callable[[str], None] = _stderr,
) -> dict[ProfileType, int]:
    """Insert `count` generated profiles into `dancers` and `choreographers`, `chunk` at
    a time, then `planted` (drawn from `seed + 1`: the same profiles, ids included, at
    every `count`); returns how many of each kind."""
    generator = ProfileGenerator(seed)
    pending: dict[ProfileType, list[MongoDocument]] = {kind: [] for kind in COLLECTIONS}
    inserted: dict[ProfileType, int] = dict.fromkeys(COLLECTIONS, 0)

    async def flush(kind: ProfileType) -> None:
        if pending[kind]:
            await db[COLLECTIONS[kind]].insert_many(pending[kind], ordered=False)
            inserted[kind] += len(pending[kind])
            pending[kind] = []

    report_every = max(chunk, count // 10)
    for index, (kind, doc) in enumerate(generator.profiles(count), start=1):
        pending[kind].append(doc)
        if len(pending[kind]) >= chunk:
            await flush(kind)
        if index % report_every == 0:
            say(f"  loading: {index:,} of {count:,} profiles generated")
    planter = ProfileGenerator(seed + 1)
    planter.serial = PLANTED_SERIALS  # user ids apart from the drawn profiles' ones
    for spec in planted:
        kind, doc = planter.profile(spec)
        pending[kind].append(doc)
    for kind in COLLECTIONS:
        await flush(kind)
    return inserted

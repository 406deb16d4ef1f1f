"""The people of the layout benchmark, each as a legacy user and as the profile the
service stores for it, drawn from the test data factories (`tests.factories.drawn`).

The factory has no legacy users and no share of choreographers to ask for, so they are
built here on top of it: each person's type (exactly `CHOREOGRAPHER_SHARE` of them,
spread evenly), name, styles and cities (the factory's skewed `Draws`), company and
onboarding are drawn here; the profile is then the factory's (`ProfileGenerator.profile`
with those values in place of its own draws: stored as the service stores it, its
completeness and search fields derived by the service's rules), listed when the person
finished onboarding; and the legacy user holds the account and the same profile fields
as the old backend kept them (`shared/LEGACY.md`), with `searchPattern`. Clean values
only (`profileType` exactly `"choreographer"`), so the legacy queries are at their best.
"""

import math
from collections.abc import Iterator
from dataclasses import dataclass

from bench.wire import (
    ACTIVE_PROFILE_FIELDS,
    LEGACY_PROFILE_FIELDS,
    Document,
    ProfileType,
    legacy_search_pattern,
)
from tests.factories.drawn import Draws, Planted, ProfileGenerator
from tests.factories.words import (
    CITIES,
    COMPANY_KINDS,
    COMPANY_WORDS,
    FIRST_NAMES,
    LAST_NAMES,
    STYLES,
)

CHOREOGRAPHER_SHARE = 0.02
ONBOARDED_SHARE = 0.97
COMPANY_SHARE = 0.8


@dataclass(frozen=True)
class DrawnPerson:
    """One person: their profile type, legacy user document and profile document."""

    kind: ProfileType
    user: Document
    profile: Document

    def user_with_references(self) -> Document:
        """The user as the backfill leaves it: with its reference to the profile."""
        return {
            **self.user,
            "activeProfileType": self.kind,
            ACTIVE_PROFILE_FIELDS[self.kind]: self.profile["_id"],
        }


class LayoutPeople(Draws):
    """People drawn from `random.Random(seed)` (their profiles from `seed + 1`): the same
    seed and count, the same people, ids included."""

    def __init__(self, seed: int) -> None:
        super().__init__(seed)
        self.profiles = ProfileGenerator(seed + 1)

    def _profile_type(self) -> ProfileType:
        """Choreographer whenever `serial * share` passes a whole number."""
        before = math.floor((self.serial - 1) * CHOREOGRAPHER_SHARE)
        now = math.floor(self.serial * CHOREOGRAPHER_SHARE)
        return "choreographer" if now > before else "dancer"

    def person(self) -> DrawnPerson:
        """The next person."""
        rng = self.rng
        self.serial += 1
        kind = self._profile_type()
        first = self._pick(FIRST_NAMES, self._first)
        last = self._pick(LAST_NAMES, self._last)
        styles = self._distinct(STYLES, self._styles, rng.choice((1, 1, 2, 2, 3)))
        cities = self._distinct(CITIES, self._cities, rng.choice((1, 1, 1, 2)))
        company = None
        if kind == "choreographer" and rng.random() < COMPANY_SHARE:
            company = f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_KINDS)}"
        onboarded = rng.random() < ONBOARDED_SHARE
        spec = Planted(kind, first, last, tuple(styles), tuple(cities), company)
        _, profile = self.profiles.profile(spec)
        profile["listed"] = onboarded
        return DrawnPerson(kind, legacy_user(self.serial, kind, profile, onboarded), profile)

    def people(self, count: int) -> Iterator[DrawnPerson]:
        """The next `count` people."""
        for _ in range(count):
            yield self.person()


def legacy_user(serial: int, kind: ProfileType, profile: Document, onboarded: bool) -> Document:
    """The legacy user record of a person whose profile is `profile`: the account, the
    profile's legacy fields of its type (those it holds), `profileType`,
    `onboardingComplete` and `searchPattern`."""
    user: Document = {
        "_id": profile["userId"],
        "authId": f"user_{serial:08d}",
        "email": f"user{serial}@mail.example.test",
        "fullName": profile["displayName"],
        "createdAt": profile["createdAt"],
        "updatedAt": profile["updatedAt"],
        "_creationTime": profile["createdAt"].timestamp() * 1000.0,
        "profileType": kind,
        "onboardingComplete": onboarded,
    }
    user.update(
        (name, profile[name])
        for name in LEGACY_PROFILE_FIELDS[kind]
        if profile.get(name) is not None
    )
    user["searchPattern"] = legacy_search_pattern(user)
    return user

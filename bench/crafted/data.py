"""The crowd of the crafted-search benchmark: dancers and choreographers (half each) who
all work in Atlanta, GA with the same two dance styles, stored as the service stores them
(`tests.factories.drawn`: the profile fields, then completeness, `searchTokens` and
`rankKey` by the service's own rules, listed), and the accounts of the callers.

Names are drawn from the test data's lists with a few left out, so that the crafted
queries find nothing: first names are Olivia for every fifth profile and Liam for the
next one (each word frequent, never the two in one profile), other first names are
drawn from the rest; no indexed word is within one typo of `dancer` (no company is a
`Dance` company, `Belly Dance` is not a style here)."""

from collections import Counter
from dataclasses import dataclass
from random import Random

from bson import ObjectId
from pymongo.asynchronous.database import AsyncDatabase

from bench.wire import PROFILE_COLLECTIONS, Document, ProfileType
from documents.derived.typos import within_one_edit
from documents.derived.words import words
from tests.factories.drawn import Planted, ProfileGenerator
from tests.factories.words import COMPANY_KINDS, COMPANY_WORDS, FIRST_NAMES, LAST_NAMES

CITY = "Atlanta, GA"
STYLES = ("Hip-Hop", "Jazz")
FREQUENT_APART = ("Olivia", "Liam")
"""Each the first name of a fifth of the profiles, never both in one."""
ABSENT = ("dancer", "qxjvw")
"""Words no profile holds, nor any word within one typo of them."""
INSERT_CHUNK = 1000
SEED = 11


def _clear(name: str) -> bool:
    """Whether no word of `name` is, or starts with, a crafted word (or one typo from an
    absent one)."""
    held = words(name)
    frequent = {word.lower() for word in FREQUENT_APART}
    starts = any(word.startswith(crafted) for word in held for crafted in frequent)
    return not starts and not any(within_one_edit(absent, held) for absent in ABSENT)


OTHER_FIRST_NAMES = [name for name in FIRST_NAMES if _clear(name)]
SURNAMES = [name for name in LAST_NAMES if _clear(name)]
COMPANY_NAME_WORDS = [word for word in COMPANY_WORDS if _clear(word)]
COMPANIES = [kind for kind in COMPANY_KINDS if _clear(kind)]


@dataclass(frozen=True)
class Crowd:
    """What was loaded: profiles per kind, a few ids, and the most common surname."""

    counts: dict[ProfileType, int]
    dancer_ids: list[str]
    surname: str


def specs(size: int, seed: int = SEED) -> list[Planted]:
    """`size` profiles, alternately dancer and choreographer, all in `CITY` with
    `STYLES`."""
    rng = Random(seed)
    made: list[Planted] = []
    for index in range(size):
        kind: ProfileType = "dancer" if index % 2 == 0 else "choreographer"
        slot = (index // 2) % 5  # both kinds get each first name alike
        first = FREQUENT_APART[slot] if slot < 2 else rng.choice(OTHER_FIRST_NAMES)
        company = None
        if kind == "choreographer" and rng.random() < 0.8:
            company = f"{rng.choice(COMPANY_NAME_WORDS)} {rng.choice(COMPANIES)}"
        made.append(Planted(kind, first, rng.choice(SURNAMES), STYLES, (CITY,), company))
    return made


async def load(db: AsyncDatabase[Document], size: int) -> Crowd:
    """Insert the crowd into `dancers` and `choreographers` (not timed by the caller)."""
    generator = ProfileGenerator(SEED)
    pending: dict[ProfileType, list[Document]] = {kind: [] for kind in PROFILE_COLLECTIONS}
    counts: dict[ProfileType, int] = dict.fromkeys(PROFILE_COLLECTIONS, 0)
    surnames: Counter[str] = Counter()
    dancer_ids: list[str] = []

    async def flush(kind: ProfileType) -> None:
        if pending[kind]:
            await db[PROFILE_COLLECTIONS[kind]].insert_many(pending[kind], ordered=False)
            counts[kind] += len(pending[kind])
            pending[kind] = []

    for spec in specs(size):
        kind, document = generator.profile(spec)
        pending[kind].append(document)
        surnames[spec.last] += 1
        if kind == "dancer" and len(dancer_ids) < 50:
            dancer_ids.append(str(document["_id"]))
        if len(pending[kind]) >= INSERT_CHUNK:
            await flush(kind)
    for kind in PROFILE_COLLECTIONS:
        await flush(kind)
    return Crowd(counts, dancer_ids, surnames.most_common(1)[0][0])


async def add_account(db: AsyncDatabase[Document], auth_id: str) -> None:
    """An account without profiles for a caller (a caller with none is looked up on
    every request; the app's readers have one)."""
    await db["users"].insert_one({"_id": ObjectId(), "authId": auth_id})

"""The search benchmark's selective queries (`bench.search.SELECTIVE`) find exactly the
planted profiles of their rare word, among drawn ones that never hold it: what makes
their p50 at 10x over 1x a measure of scaling."""

import pytest

from bench.search import SELECTIVE
from documents.derived.words import words
from service.platform.db import Database
from service.search.cursor import CursorCodec
from service.search.tokens.backend import TokensBackend
from service.search.tokens.reader import InOrderReader
from tests.factories.cast import every_match
from tests.factories.drawn import PLANTED, PLANTED_COPIES, PLANTED_WORDS, load_profiles
from tests.factories.words import (
    BIOS,
    CITIES,
    COMPANY_KINDS,
    COMPANY_WORDS,
    FIRST_NAMES,
    LAST_NAMES,
    STYLES,
)


def test_no_drawn_value_holds_a_planted_word() -> None:
    drawn = {
        word
        for value in (*FIRST_NAMES, *LAST_NAMES, *STYLES, *CITIES, *COMPANY_WORDS, *COMPANY_KINDS)
        for word in words(value)
    }
    drawn |= {word for bio in BIOS for word in words(bio)}
    planted = {word for value in PLANTED_WORDS for word in words(value)}
    assert planted and not planted & drawn


@pytest.mark.parametrize("backend", ["tokens"], indirect=True)
async def test_each_selective_query_finds_its_planted_profiles_only(database: Database) -> None:
    loaded = await load_profiles(database.database, 400, seed=11, planted=PLANTED, say=print)
    assert sum(loaded.values()) == 400 + len(PLANTED)
    found: set[str] = set()
    for case in SELECTIVE:
        ids = await every_match(case.query, CursorCodec(b"planted"), TokensBackend(InOrderReader()))
        assert len(ids) == len(set(ids)) == PLANTED_COPIES, case.label
        found |= set(ids)
    assert len(found) == len(SELECTIVE) * PLANTED_COPIES  # no two queries share a match

"""Words, stop words and stems as mongod's English text index makes them, and the check
that a document holds every term of a query (pure)."""

import importlib
from collections.abc import Sequence
from typing import Any

import pytest

from service.search.text.stop_words import ENGLISH_STOP_WORDS
from service.search.text.terms import (
    INDEXED_FIELDS,
    holds_every_term,
    indexed_text,
    query_terms,
    split,
    term,
    terms_of,
)


def profile(name: str, styles: Sequence[str] = (), **fields: Any) -> dict[str, Any]:
    return {"displayName": name, "resume": {"danceStyles": list(styles)}, **fields}


@pytest.mark.parametrize(
    ("words", "same"),
    [
        (["dance", "dancing", "dances", "danced"], True),
        (["choreographer", "choreographers", "choreographed"], True),
        (["choreographer", "choreography"], False),  # Porter2: choreograph / choreographi
        (["dance", "dancer"], False),
        (["ballet", "ballets"], True),
        (["studio", "studios"], True),
    ],
)
def test_words_of_one_stem_make_one_term(words: list[str], same: bool) -> None:
    assert (len({term(word) for word in words}) == 1) is same


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        # where Snowball 3 changed the English algorithm; mongod's libstemmer is older
        ("universal", "univers"),
        ("added", "ad"),
        ("organization", "organ"),
        ("archaeologist", "archaeologist"),
    ],
)
def test_the_stemmer_is_the_one_mongod_ships(word: str, stem: str) -> None:
    assert term(word) == stem


def test_mongods_english_stop_words_are_the_list_it_compiles_in() -> None:
    assert len(ENGLISH_STOP_WORDS) == 174
    assert {"the", "of", "and", "a", "don't", "cannot", "ought", "yourselves"} <= (
        ENGLISH_STOP_WORDS
    )
    assert not {"dance", "jazz", "new", "york", "lab"} & ENGLISH_STOP_WORDS


def test_stop_words_are_dropped_whatever_their_case() -> None:
    assert query_terms("The Lab").words == ("Lab",)
    assert query_terms("THE of AND don't").terms == frozenset()
    assert terms_of(["The Lab of Dance"]) == {"lab", "danc"}


def test_case_and_diacritics_fold_after_stemming() -> None:
    assert term("MÜLLER") == term("muller") == "muller"
    assert term("José") == "jose"
    # mongod stems `résumés` with its accents (é is no vowel to Snowball), then folds
    assert term("résumés") == "resume"
    assert term("resumes") == "resum"
    assert term("Straße") == "straße"  # simple case folding keeps ß


def test_words_split_where_mongod_splits_them() -> None:
    assert list(split("K-Pop, Hip-Hop!")) == ["K", "Pop", "Hip", "Hop"]
    assert list(split("O'Brien")) == ["O'Brien"]  # the apostrophe is no delimiter in English
    assert list(split("O\u2019Brien")) == ["O", "Brien"]  # a quotation mark is
    assert list(split("hip_hop")) == ["hip_hop"]
    assert list(split("Los Angeles,\u00a0CA\u3000NY")) == ["Los", "Angeles", "CA", "NY"]
    assert list(split("  ")) == []


def test_a_query_asks_for_each_term_once_with_the_words_it_sends() -> None:
    found = query_terms('gina -"mar" Gina dancing')
    assert found.words == ("gina", "mar", "dancing")
    assert found.terms == {"gina", "mar", "danc"}
    assert found.search == "gina mar dancing"  # no quote, no minus: no phrase, no negation


def test_indexed_text_is_the_text_index_of_migration_0007() -> None:
    migration = importlib.import_module("migrations.versions.0007_text_search_indexes")
    assert set(INDEXED_FIELDS) == set(migration.TEXT_INDEX.document["weights"])
    document = {
        "displayName": "Gina Omar",
        "companyName": "The Lab",
        "resume": {"danceStyles": ["Jazz", 3, "Tap"]},
        "workLocation": ["Boston, MA"],
        "bio": "dancing everywhere",
    }
    assert indexed_text(document) == ["Gina Omar", "The Lab", "Jazz", "Tap", "Boston, MA"]


@pytest.mark.parametrize(
    ("q", "document", "matches"),
    [
        ("gina mar", profile("Gina Omar"), False),  # `mar` is no word of it
        ("gina omar", profile("Gina Omar"), True),
        ("omar gina", profile("Gina Omar"), True),
        ("dancing", profile("Lia Park", ["Modern Dance"]), True),
        ("dances lia", profile("Lia Park", ["Modern Dance"]), True),
        ("dancer", profile("Lia Park", ["Modern Dance"]), False),
        ("bal", profile("Ana Lee", ["Ballet"]), False),  # no prefixes
        ("gina chicago", profile("Gina Omar", workLocation=["Atlanta, GA"]), False),
        ("the lab", profile("Gina Stone", companyName="The Lab"), True),
        ("muller", profile("Gina Müller"), True),
        ("o'brien", profile("Kate O'Brien"), True),
        ("brien", profile("Kate O'Brien"), False),
        ("jazz", {"displayName": "Marco", "resume": None}, False),
    ],
)
def test_a_document_matches_when_it_holds_every_term(
    q: str, document: dict[str, Any], matches: bool
) -> None:
    assert holds_every_term(query_terms(q), document) is matches

"""Search tokens: folded words of name, company, styles and locations, with prefixes."""

from typing import Any

import pytest

from documents.derived.words import MAX_WORD_LENGTH, fold, search_tokens, words


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Müller", "muller"),
        ("José", "jose"),
        ("Inès", "ines"),
        ("ÉLODIE", "elodie"),
        ("Straße", "strasse"),
        ("plain", "plain"),
    ],
)
def test_fold_lowercases_and_strips_accents(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("k-pop", ["k", "pop"]),
        ("Hip-Hop & Jazz_Funk", ["hip", "hop", "jazz", "funk"]),
        ("  Los Angeles,  CA ", ["los", "angeles", "ca"]),
        ("Jean-Luc O'Brien", ["jean", "luc", "o", "brien"]),
        ("Studio 54", ["studio", "54"]),
        ("", []),
    ],
)
def test_words_split_on_anything_but_letters_and_digits(text: str, expected: list[str]) -> None:
    assert words(text) == expected


def prefixes(word: str) -> set[str]:
    return {word[:end] for end in range(1, len(word) + 1)}


@pytest.mark.parametrize(
    ("display_name", "expected"),
    [
        ("Müller", prefixes("muller") | {"=muller"}),
        ("José", {"j", "jo", "jos", "jose", "=jose"}),
        ("Inès", {"i", "in", "ine", "ines", "=ines"}),
        ("k-pop", {"k", "=k", "p", "po", "pop", "=pop"}),
    ],
)
def test_tokens_are_prefixes_from_one_letter_and_marked_words(
    display_name: str, expected: set[str]
) -> None:
    assert set(search_tokens({"displayName": display_name})) == expected


def test_only_whole_words_are_marked_exact() -> None:
    tokens = search_tokens({"displayName": "José Müller"})

    assert {token for token in tokens if token.startswith("=")} == {"=jose", "=muller"}


def test_tokens_are_sorted_and_unique() -> None:
    tokens = search_tokens(
        {
            "displayName": "House House",
            "companyName": "House of Hip-Hop",
            "resume": {"danceStyles": ["house", "hip-hop"]},
        }
    )

    assert tokens == sorted(set(tokens))
    assert tokens.count("=house") == 1


def test_long_words_are_cut() -> None:
    word = "a" * (MAX_WORD_LENGTH + 8)

    tokens = search_tokens({"displayName": word})

    assert max(len(token) for token in tokens if not token.startswith("=")) == MAX_WORD_LENGTH
    assert tokens[0] == "=" + "a" * MAX_WORD_LENGTH


@pytest.mark.parametrize(
    "profile",
    [
        {"displayName": "Zorro"},
        {"companyName": "Zorro"},
        {"resume": {"danceStyles": ["Zorro"]}},
        {"workLocation": ["Zorro"]},
    ],
    ids=["displayName", "companyName", "danceStyles", "workLocation"],
)
def test_tokens_come_from_searchable_fields(profile: dict[str, Any]) -> None:
    assert search_tokens(profile) == ["=zorro", "z", "zo", "zor", "zorr", "zorro"]


@pytest.mark.parametrize(
    "profile",
    [
        {"bio": "Zorro"},
        {"fullName": "Zorro"},
        {"resume": {"skills": ["Zorro"]}},
        {"training": [{"name": "Zorro"}]},
        {"links": [{"label": "Zorro"}]},
        {"representation": {"agencyName": "Zorro"}},
        {"displayName": None, "companyName": None, "workLocation": None, "resume": None},
    ],
    ids=["bio", "fullName", "skills", "training", "links", "representation", "nulls"],
)
def test_other_fields_give_no_tokens(profile: dict[str, Any]) -> None:
    assert search_tokens(profile) == []


def test_tokens_of_all_searchable_fields_together() -> None:
    tokens = search_tokens(
        {
            "displayName": "Inès",
            "companyName": "Lab",
            "resume": {"danceStyles": ["K-Pop"], "skills": ["stilts"]},
            "workLocation": ["São Paulo"],
            "bio": "Berlin",
        }
    )

    exact = {token for token in tokens if token.startswith("=")}
    assert exact == {"=ines", "=lab", "=k", "=pop", "=sao", "=paulo"}
    assert "b" not in tokens

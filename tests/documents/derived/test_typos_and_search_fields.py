"""Typo matching and the derived search fields."""

import itertools
import random
from collections import Counter

import pytest
from bson import ObjectId

from documents.derived.rank_key import id_spread, rank_key
from documents.derived.search_fields import search_tokens_of, stored_words
from documents.derived.typos import deletions, typo_candidates, typo_tokens, within_one_edit


def levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def one_edit_of(word: str, rng: random.Random) -> str:
    position = rng.randrange(len(word))
    letter = rng.choice("abcdefghijklmnopqrstuvwxyz")
    kind = rng.choice(["substitute", "insert", "delete"])
    if kind == "substitute":
        return word[:position] + letter + word[position + 1 :]
    if kind == "insert":
        return word[:position] + letter + word[position:]
    return word[:position] + word[position + 1 :]


@pytest.mark.parametrize("seed", range(20))
def test_the_candidate_tokens_always_include_a_true_one_typo_match(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(200):
        word = "".join(rng.choice("abcdefgh") for _ in range(rng.randint(4, 12)))
        typed_length = rng.randint(5, len(word) + 1)
        typed = one_edit_of(word[:typed_length], rng)
        if len(typed) < 5:
            continue
        stored = {word[:end] for end in range(1, len(word) + 1)} | typo_tokens(word)
        assert within_one_edit(typed, [word]), (typed, word)
        assert stored & set(typo_candidates(typed)), (typed, word)


def test_within_one_edit_agrees_with_levenshtein_on_prefixes() -> None:
    words = ["".join(p) for p in itertools.product("abc", repeat=5)][:120]
    for query, word in itertools.product(words[:40], words):
        expected = any(
            levenshtein(query, word[:length]) <= 1
            for length in range(max(1, len(query) - 1), min(len(word), len(query) + 1) + 1)
        )
        assert within_one_edit(query, [word]) is expected, (query, word)


def test_deletions_and_typo_tokens() -> None:
    assert deletions("dance") == {"ance", "dnce", "dace", "dane", "danc"}
    assert typo_tokens("jazz") == set()
    assert typo_tokens("ballet") == {"~" + d for d in deletions("balle")}


def test_search_tokens_hold_words_prefixes_typos_and_filters() -> None:
    tokens = set(
        search_tokens_of(
            "dancer",
            {
                "displayName": "Gina Müller",
                "resume": {"danceStyles": ["Hip-Hop"]},
                "workLocation": ["Atlanta, GA"],
                "representationStatus": "seeking",
                "sagAftraId": " ",
                "attributes": {"gender": "Female"},
            },
        )
    )
    assert {"g", "gi", "gin", "gina", "=gina", "mul", "=muller", "=hip", "=hop"} <= tokens
    assert {"~ulle", "~mlle"} <= tokens
    assert {"style:hip hop", "location:atlanta ga", "representation:seeking"} <= tokens
    assert {"union:false", "gender:female"} <= tokens
    assert not any(token.startswith("verified:") for token in tokens)
    assert sorted(stored_words(tokens)) == ["atlanta", "ga", "gina", "hip", "hop", "muller"]
    choreographer = set(search_tokens_of("choreographer", {"verified": True}))
    assert "verified:true" in choreographer and not any(
        t.startswith("union:") for t in choreographer
    )


def test_rank_key_orders_by_completeness_descending_then_spread_then_id() -> None:
    first, second = ObjectId(), ObjectId()
    low, high = sorted([first, second], key=lambda oid: (id_spread(oid), oid))
    keys = [rank_key(40, high), rank_key(90, second), rank_key(40, low), rank_key(100, first)]
    assert sorted(keys) == [
        rank_key(100, first),
        rank_key(90, second),
        rank_key(40, low),
        rank_key(40, high),
    ]
    assert rank_key(150, first) == rank_key(100, first) and rank_key(-5, first) == rank_key(
        0, first
    )
    assert rank_key(40, first).endswith(str(first)) and len(rank_key(40, first)) == 3 + 8 + 24


def test_the_id_spread_is_even_for_ids_made_in_one_second() -> None:
    """Migrated profiles get ids from a few seconds; their keys must still spread."""
    ids = [ObjectId() for _ in range(4096)]
    per_first_digit = Counter(id_spread(oid)[0] for oid in ids)
    assert len(per_first_digit) == 16
    assert min(per_first_digit.values()) > 4096 / 16 / 2
    assert max(per_first_digit.values()) < 4096 / 16 * 2

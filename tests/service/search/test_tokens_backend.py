"""What only the `tokens` backend does: prefixes, whole-word ranking, the typo pass,
facets, and cursors that survive writes."""

from typing import Any

import pytest

from tests.factories.cast import Person, dancer, names, seed
from tests.helpers import Client, auth
from tests.service.search.test_conformance import find

pytestmark = pytest.mark.parametrize("backend", ["tokens", "tokens-in-order"], indirect=True)


async def test_each_word_matches_the_start_of_a_word(client: Client) -> None:
    await seed(client)
    assert names(await find(client, q="Mül")) == ["Gina Müller"]
    assert names(await find(client, q="jos")) == ["José Ramírez"]
    assert names(await find(client, q="ines")) == ["Inès Dubois"]
    assert names(await find(client, q="k-pop")) == ["Inès Dubois"]
    assert names(await find(client, q="gi atl th")) == ["Gina Stone"]
    assert names(await find(client, q="ramirezz")) == ["José Ramírez"]  # typo pass


async def test_a_whole_word_match_ranks_before_a_prefix_match(client: Client) -> None:
    await seed(client)
    found = await find(client, "/v1/dancers", q="ana")
    # Anastasia is more complete, but Ana is the whole word
    assert names(found) == ["Ana Lee", "Anastasia Petrova"]
    assert found["items"][1]["completeness"] > found["items"][0]["completeness"]
    assert names(await find(client, "/v1/dancers", q="ana atl")) == ["Ana Lee", "Anastasia Petrova"]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("mullerr", ["Gina Müller"]),  # one letter too many
        ("mulr", []),  # under five letters: no typo forgiven
        ("muler", ["Gina Müller"]),  # one letter missing
        ("mueller", ["Gina Müller"]),  # one letter too many, inside
        ("nuller", ["Gina Müller"]),  # first letter wrong
        ("petrovz", ["Anastasia Petrova"]),  # last letter wrong
        ("contempo", ["José Ramírez"]),  # a prefix: no typo needed
        ("contrmpo", ["José Ramírez"]),  # a prefix with a typo
        ("ramrzz", []),  # two typos
        ("jazzz", ["Gina Müller", "Marco Rossi"]),  # an extra letter on a four-letter word
    ],
)
async def test_when_nothing_matches_one_typo_is_forgiven_in_long_words(
    client: Client, q: str, expected: list[str]
) -> None:
    await seed(client)
    found = await find(client, q=q)
    assert sorted(names(found)) == sorted(expected)
    exact = q in ("contempo",)
    assert found["typoTolerant"] is (bool(expected) and not exact)


async def test_no_typo_pass_when_something_matches_exactly(client: Client) -> None:
    extra = [Person("mullen", "dancer", dancer("Rita Mullen", ["Tap"], ["Boston, MA"]))]
    await seed(client, extra)
    await seed(client, [Person("muller", "dancer", dancer("Otto Muller", ["Tap"], ["Bern"]))])
    found = await find(client, q="muller")
    assert names(found) == ["Otto Muller"] and found["typoTolerant"] is False
    typo = await find(client, q="mullex")
    assert set(names(typo)) == {"Otto Muller", "Rita Mullen"} and typo["typoTolerant"] is True


async def test_typo_results_page_like_any_other(client: Client) -> None:
    cast = [
        Person(f"tapper-{n}", "dancer", dancer(f"Tapper {n}", ["Tapdance"], ["Reno"]))
        for n in range(5)
    ]
    await seed(client, cast)
    seen: list[str] = []
    params: dict[str, Any] = {"q": "tapdanse", "limit": 2}
    while True:
        page = await find(client, "/v1/dancers", **params)
        assert page["typoTolerant"] is True
        seen.extend(names(page))
        if page["nextCursor"] is None:
            break
        params["cursor"] = page["nextCursor"]
    assert sorted(seen) == [f"Tapper {n}" for n in range(5)]


async def test_facets_count_styles_and_locations_of_the_results(client: Client) -> None:
    await seed(client)
    found = await find(client, location="Atlanta, GA", facets="true")
    facets = found["facets"]
    assert facets["counted"] == 4 and facets["complete"] is True
    styles = {entry["value"]: entry["count"] for entry in facets["styles"]}
    assert styles == {"hip hop": 2, "jazz": 1, "tap": 1, "ballet": 1}
    assert facets["locations"] == [{"value": "atlanta ga", "count": 4}]
    assert "facets" not in await find(client, location="Atlanta, GA")
    # a facet value is a filter value
    narrowed = await find(client, location="atlanta ga", style=facets["styles"][0]["value"])
    assert set(names(narrowed)) == {"Gina Müller", "Gina Stone"}


async def test_the_cursor_never_loops_while_profiles_change(client: Client) -> None:
    cast = [
        Person(f"mover-{n}", "dancer", dancer(f"Mover {n}", ["Salsa"], ["Miami"])) for n in range(8)
    ]
    ids = await seed(client, cast)
    seen: list[str] = []
    params: dict[str, Any] = {"style": "salsa", "limit": 3}
    for step in range(20):
        page = await find(client, "/v1/dancers", **params)
        seen.extend(item["id"] for item in page["items"])
        # between pages, a profile becomes more complete, so it moves up the order
        sub = f"mover-{step % 8}"
        await client.patch(
            f"/v1/dancers/{ids[sub]}",
            json={
                "bio": f"Moved at step {step}",
                "links": [{"label": "x", "url": "https://x.test"}],
            },
            headers=auth(sub),
        )
        if page["nextCursor"] is None:
            break
        params["cursor"] = page["nextCursor"]
    else:
        pytest.fail("the cursor did not come to an end")
    assert len(seen) == len(set(seen))  # a page boundary is a position: nothing twice

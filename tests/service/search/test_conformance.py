"""What every search backend must do (run per backend; see conftest)."""

from typing import Any

import pytest

from tests.factories.cast import names, seed
from tests.helpers import Client, auth


async def find(client: Client, path: str = "/v1/search", **params: Any) -> dict[str, Any]:
    response = await client.get(path, params=params, headers=auth("reader"))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_every_word_must_match_as_a_whole_word_ignoring_case_and_accents(
    client: Client,
) -> None:
    await seed(client)
    assert names(await find(client, q="muller")) == ["Gina Müller"]
    assert names(await find(client, q="JOSÉ")) == ["José Ramírez"]
    assert set(names(await find(client, q="gina"))) == {"Gina Müller", "Gina Stone"}
    assert names(await find(client, q="gina atlanta lab")) == ["Gina Stone"]
    assert names(await find(client, q="gina chicago")) == []


async def test_name_company_styles_and_locations_are_searched(client: Client) -> None:
    await seed(client)
    assert names(await find(client, q="works")) == ["Marco Rossi"]
    assert set(names(await find(client, q="ballet"))) == {"José Ramírez", "Anastasia Petrova"}
    assert names(await find(client, q="york")) == ["Inès Dubois"]


async def test_kind_endpoints_return_only_their_kind(client: Client) -> None:
    await seed(client)
    dancers = await find(client, "/v1/dancers", q="gina")
    assert names(dancers) == ["Gina Müller"]
    assert dancers["items"][0]["profileType"] == "dancer"
    choreographers = await find(client, "/v1/choreographers", q="gina")
    assert names(choreographers) == ["Gina Stone"]
    both = await find(client, q="gina")
    assert {item["profileType"] for item in both["items"]} == {"dancer", "choreographer"}


async def test_filters_narrow_and_combine(client: Client) -> None:
    await seed(client)
    atlanta = await find(client, "/v1/dancers", location="atlanta, ga")
    assert set(names(atlanta)) == {"Gina Müller", "Ana Lee", "Anastasia Petrova"}
    assert set(names(await find(client, "/v1/dancers", style="hip hop"))) == {"Gina Müller"}
    assert set(names(await find(client, style=["Tap", "Ballet"], location="Atlanta, GA"))) == {
        "Ana Lee",
        "Anastasia Petrova",
    }
    union = await find(client, "/v1/dancers", unionMember="true")
    assert names(union) == ["Gina Müller"]
    seeking = await find(client, "/v1/dancers", representationStatus="seeking")
    assert names(seeking) == ["José Ramírez"]
    women = await find(client, "/v1/dancers", gender="female", q="atlanta")
    assert set(names(women)) == {"Gina Müller", "Anastasia Petrova"}
    verified = await find(client, "/v1/choreographers", verified="true")
    assert names(verified) == ["Gina Stone"]
    unverified = await find(client, "/v1/choreographers", verified="false")
    assert names(unverified) == ["Marco Rossi"]


async def test_a_filter_only_one_kind_has_leaves_the_other_out(client: Client) -> None:
    await seed(client)
    verified = await find(client, verified="true", q="gina")
    assert names(verified) == ["Gina Stone"]
    represented = await find(client, representationStatus="represented", q="gina")
    assert names(represented) == ["Gina Müller"]


async def test_unlisted_and_deleted_profiles_never_appear(client: Client) -> None:
    ids = await seed(client)
    assert "Hidden Jazzer" not in names(await find(client, q="jazz"))
    assert "Hidden Jazzer" not in names(await find(client, limit=100))
    deleted = await client.delete(f"/v1/dancers/{ids['ana-lee']}", headers=auth("ana-lee"))
    assert deleted.status_code == 204, deleted.text
    assert names(await find(client, q="ana lee")) == []
    assert "Ana Lee" not in names(await find(client, "/v1/dancers", location="Atlanta, GA"))


@pytest.mark.parametrize("params", [{}, {"q": "atlanta"}, {"style": "jazz"}])
async def test_following_the_cursor_yields_every_match_exactly_once(
    client: Client, params: dict[str, Any]
) -> None:
    await seed(client)
    everything = await find(client, limit=100, **params)
    assert everything["nextCursor"] is None
    seen: list[str] = []
    cursor = None
    for _ in range(20):
        page = await find(client, limit=2, **params, **({"cursor": cursor} if cursor else {}))
        assert len(page["items"]) <= 2
        seen.extend(item["id"] for item in page["items"])
        cursor = page["nextCursor"]
        if cursor is None:
            break
    assert seen == [item["id"] for item in everything["items"]]
    assert len(seen) == len(set(seen)) and len(seen) >= 2


async def test_a_listing_ranks_more_complete_profiles_first(client: Client) -> None:
    await seed(client)
    items = (await find(client, "/v1/dancers", limit=100))["items"]
    scores = [item["completeness"] for item in items]
    assert scores == sorted(scores, reverse=True)
    assert items[0]["displayName"] == "Anastasia Petrova"


async def test_others_see_the_public_view_in_results(client: Client) -> None:
    await seed(client)
    stranger = (await find(client, q="muller"))["items"][0]
    assert "sagAftraId" not in stranger
    response = await client.get("/v1/search", params={"q": "muller"}, headers=auth("gina-muller"))
    assert response.json()["items"][0]["sagAftraId"] == "SAG-1"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 101}, "limit"),
        ({"limit": 0}, "limit"),
        ({"cursor": "forged.cursor"}, "cursor"),
        ({"q": "a b c d e f g h i"}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"style": "--"}, "style"),
        ({"unionMember": "maybe"}, "unionMember"),
        ({"representationStatus": "famous"}, "representationStatus"),
    ],
)
async def test_bad_search_input_is_a_422_problem(
    client: Client, params: dict[str, Any], field: str
) -> None:
    await seed(client, [])
    response = await client.get("/v1/dancers", params=params, headers=auth("reader"))
    assert response.status_code in (400, 422), response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in response.text


async def test_a_cursor_works_only_for_the_search_that_issued_it(client: Client) -> None:
    await seed(client)
    page = await find(client, limit=1, q="atlanta")
    assert page["nextCursor"]
    other = await client.get(
        "/v1/search",
        params={"limit": 1, "q": "ballet", "cursor": page["nextCursor"]},
        headers=auth("reader"),
    )
    assert other.status_code == 422
    elsewhere = await client.get(
        "/v1/dancers",
        params={"limit": 1, "q": "atlanta", "cursor": page["nextCursor"]},
        headers=auth("reader"),
    )
    assert elsewhere.status_code == 422


async def test_search_needs_a_token(client: Client) -> None:
    response = await client.get("/v1/search", params={"q": "gina"})
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("path", "param"),
    [
        ("/v1/dancers", "verified"),
        ("/v1/choreographers", "unionMember"),
        ("/v1/search", "styles"),
        ("/v1/search", "sort"),
    ],
)
async def test_an_unknown_query_parameter_is_refused_not_ignored(
    client: Client, path: str, param: str
) -> None:
    response = await client.get(path, params={param: "true"}, headers=auth("reader"))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert param in response.json()["detail"]

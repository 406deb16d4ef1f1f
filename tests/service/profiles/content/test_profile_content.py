"""A profile's content through HTTP: headshots, links, resume, representation and the
phase-6 sections; ownership, limits, ordering and If-Match for each."""

from typing import Any

import pytest

from tests.helpers import Client, auth, onboard

SECTION_CASES: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    (
        "dancer",
        "availability",
        {"start": "2026-12-01", "end": "2026-12-20", "status": "available"},
        {"status": "tentative"},
    ),
    (
        "dancer",
        "specialisations",
        {"style": "hip hop", "level": "advanced"},
        {"level": "professional"},
    ),
    (
        "dancer",
        "videos",
        {"url": "https://video.example.test/1", "title": "Reel", "durationSeconds": 90},
        {"title": "Showreel 2026"},
    ),
    (
        "dancer",
        "auditions",
        {"production": "Hamilton", "date": "2026-03-02", "role": "Ensemble", "outcome": "callback"},
        {"outcome": "booked"},
    ),
    (
        "choreographer",
        "workshops",
        {
            "title": "Heels intensive",
            "startDate": "2027-01-10",
            "endDate": "2027-01-12",
            "location": "Atlanta, GA",
            "capacity": 30,
            "price": {"amount": 120, "currency": "USD"},
        },
        {"online": True, "location": None},
    ),
    (
        "choreographer",
        "rate-cards",
        {"service": "Music video", "unit": "day", "amount": 1500, "currency": "EUR"},
        {"amount": 1750},
    ),
    (
        "choreographer",
        "portfolio",
        {"title": "World tour", "year": 2024, "artist": "Someone Famous", "role": "Lead"},
        {"link": "https://portfolio.example.test/tour"},
    ),
]


async def make(client: Client, sub: str, kind: str = "dancer") -> str:
    profile = await onboard(client, sub, kind, displayName=f"Name {sub}")
    return str(profile["id"])


def etag(response: Any) -> str:
    return str(response.headers["etag"])


@pytest.mark.parametrize(("kind", "section", "item", "change"), SECTION_CASES)
async def test_a_section_item_is_added_listed_changed_and_removed(
    client: Client, kind: str, section: str, item: dict[str, Any], change: dict[str, Any]
) -> None:
    profile_id = await make(client, "owner", kind)
    base = f"/v1/{kind}s/{profile_id}/{section}"
    added = await client.post(base, json=item, headers=auth("owner"))
    assert added.status_code == 201, added.text
    created = added.json()
    assert len(created["id"]) == 24
    listed = await client.get(base, headers=auth("stranger"))
    assert listed.status_code == 200 and [i["id"] for i in listed.json()["items"]] == [
        created["id"]
    ]
    changed = await client.patch(
        f"{base}/{created['id']}", json=change, headers={**auth("owner"), "If-Match": etag(added)}
    )
    assert changed.status_code == 200, changed.text
    for key, value in change.items():
        assert changed.json().get(key) == value
    stale = await client.delete(
        f"{base}/{created['id']}", headers={**auth("owner"), "If-Match": etag(added)}
    )
    assert stale.status_code == 412
    removed = await client.delete(f"{base}/{created['id']}", headers=auth("owner"))
    assert removed.status_code == 204
    assert (await client.get(base, headers=auth("owner"))).json()["items"] == []
    gone = await client.patch(f"{base}/{created['id']}", json=change, headers=auth("owner"))
    assert gone.status_code == 404


@pytest.mark.parametrize(("kind", "section", "item", "change"), SECTION_CASES)
async def test_only_the_owner_or_an_admin_changes_a_section(
    client: Client, kind: str, section: str, item: dict[str, Any], change: dict[str, Any]
) -> None:
    profile_id = await make(client, "owner", kind)
    base = f"/v1/{kind}s/{profile_id}/{section}"
    refused = await client.post(base, json=item, headers=auth("stranger"))
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    by_admin = await client.post(base, json=item, headers=auth("admin", admin=True))
    assert by_admin.status_code == 201


async def test_section_items_are_validated_and_bad_ones_store_nothing(client: Client) -> None:
    profile_id = await make(client, "owner")
    base = f"/v1/dancers/{profile_id}/availability"
    for body in (
        {"start": "2026-12-20", "end": "2026-12-01"},
        {"start": "2026-01-01", "end": "2027-06-01"},
        {"start": "2026-13-01", "end": "2026-12-01"},
        {"start": "2026-12-01", "end": "2026-12-02", "status": "maybe"},
        {"start": "2026-12-01", "end": "2026-12-02", "id": "mine"},
    ):
        response = await client.post(base, json=body, headers=auth("owner"))
        assert response.status_code == 422, (body, response.text)
    added = await client.post(
        base, json={"start": "2026-12-01", "end": "2026-12-05"}, headers=auth("owner")
    )
    item_id = added.json()["id"]
    backwards = await client.patch(
        f"{base}/{item_id}", json={"end": "2026-11-01"}, headers=auth("owner")
    )
    assert backwards.status_code == 422
    cleared = await client.patch(f"{base}/{item_id}", json={"start": None}, headers=auth("owner"))
    assert cleared.status_code == 422
    items = (await client.get(base, headers=auth("owner"))).json()["items"]
    assert [(i["start"], i["end"]) for i in items] == [("2026-12-01", "2026-12-05")]
    other_kind = await client.get(f"/v1/dancers/{profile_id}/workshops", headers=auth("owner"))
    assert other_kind.status_code == 404


async def test_availability_is_kept_in_date_order(client: Client) -> None:
    profile_id = await make(client, "owner")
    base = f"/v1/dancers/{profile_id}/availability"
    for start, end in (("2027-02-01", "2027-02-03"), ("2026-12-01", "2026-12-03")):
        response = await client.post(base, json={"start": start, "end": end}, headers=auth("owner"))
        assert response.status_code == 201
    items = (await client.get(base, headers=auth("owner"))).json()["items"]
    assert [i["start"] for i in items] == ["2026-12-01", "2027-02-01"]


async def test_a_section_holds_a_limited_number_of_items(client: Client) -> None:
    profile_id = await make(client, "owner")
    base = f"/v1/dancers/{profile_id}/specialisations"
    for n in range(30):
        response = await client.post(base, json={"style": f"Style {n}"}, headers=auth("owner"))
        assert response.status_code == 201
    over = await client.post(base, json={"style": "One more"}, headers=auth("owner"))
    assert over.status_code == 422 and "at most 30" in over.json()["detail"]


async def headshot(client: Client, base: str, storage_id: str, sub: str = "owner") -> Any:
    return await client.post(
        f"{base}/headshots",
        json={"storageId": storage_id, "url": f"https://img.example.test/{storage_id}.jpg"},
        headers=auth(sub),
    )


def order(response: Any) -> list[tuple[str, int]]:
    return [(h["storageId"], h["position"]) for h in response.json()["items"]]


async def test_headshots_are_added_reordered_made_primary_and_removed(client: Client) -> None:
    profile_id = await make(client, "owner")
    base = f"/v1/dancers/{profile_id}"
    for storage_id in ("a", "b", "c"):
        assert (await headshot(client, base, storage_id)).status_code == 201
    listed = await client.get(f"{base}/headshots", headers=auth("stranger"))
    assert order(listed) == [("a", 0), ("b", 1), ("c", 2)]
    reordered = await client.put(
        f"{base}/headshots/order", json={"storageIds": ["c", "a", "b"]}, headers=auth("owner")
    )
    assert order(reordered) == [("c", 0), ("a", 1), ("b", 2)]
    primary = await client.put(f"{base}/headshots/b/primary", headers=auth("owner"))
    assert order(primary) == [("b", 0), ("c", 1), ("a", 2)]
    titled = await client.patch(
        f"{base}/headshots/c", json={"title": "Studio"}, headers=auth("owner")
    )
    assert [h.get("title") for h in titled.json()["items"]] == [None, "Studio", None]
    removed = await client.delete(f"{base}/headshots/b", headers=auth("owner"))
    assert removed.status_code == 204
    after = await client.get(f"{base}/headshots", headers=auth("owner"))
    assert order(after) == [("c", 0), ("a", 1)]
    profile = (await client.get(base, headers=auth("owner"))).json()
    assert sorted((h["storageId"], h["position"]) for h in profile["headshots"]) == [
        ("a", 1),
        ("c", 0),
    ]


async def test_headshot_rules(client: Client) -> None:
    profile_id = await make(client, "owner")
    base = f"/v1/dancers/{profile_id}"
    first = await headshot(client, base, "a")
    assert (await headshot(client, base, "a")).status_code == 409
    assert (await headshot(client, base, "x", sub="stranger")).status_code == 403
    stale = await client.put(
        f"{base}/headshots/a/primary", headers={**auth("owner"), "If-Match": '"0"'}
    )
    assert stale.status_code == 412
    not_a_permutation = await client.put(
        f"{base}/headshots/order", json={"storageIds": ["a", "a"]}, headers=auth("owner")
    )
    assert not_a_permutation.status_code == 422
    bad_url = await client.post(
        f"{base}/headshots", json={"storageId": "z", "url": "ftp://x"}, headers=auth("owner")
    )
    assert bad_url.status_code == 422
    for n in range(19):
        assert (await headshot(client, base, f"h{n}")).status_code == 201
    twenty_first = await headshot(client, base, "one-too-many")
    assert twenty_first.status_code == 422
    assert twenty_first.headers["content-type"].startswith("application/problem+json")
    assert len((await client.get(f"{base}/headshots", headers=auth("owner"))).json()["items"]) == 20
    assert etag(first) == '"2"'


async def test_a_shared_headshot_change_can_apply_to_both_profiles(client: Client) -> None:
    dancer_id = await make(client, "both", "dancer")
    added = await client.post(
        "/v1/me/profiles", json={"profileType": "choreographer"}, headers=auth("both")
    )
    assert added.status_code == 201, added.text
    choreographer_id = added.json()["id"]
    for kind, profile_id in (("dancer", dancer_id), ("choreographer", choreographer_id)):
        assert (
            await headshot(client, f"/v1/{kind}s/{profile_id}", "shared", "both")
        ).status_code == 201
    only_one = await client.patch(
        f"/v1/dancers/{dancer_id}/headshots/shared",
        json={"title": "Only here"},
        headers=auth("both"),
    )
    assert only_one.status_code == 200
    both = await client.patch(
        f"/v1/dancers/{dancer_id}/headshots/shared",
        params={"alsoOtherProfile": "true"},
        json={"title": "Everywhere"},
        headers=auth("both"),
    )
    assert both.status_code == 200
    other = await client.get(
        f"/v1/choreographers/{choreographer_id}/headshots", headers=auth("both")
    )
    assert other.json()["items"][0]["title"] == "Everywhere"
    missing = await client.patch(
        f"/v1/dancers/{dancer_id}/headshots/absent", json={"title": "x"}, headers=auth("both")
    )
    assert missing.status_code == 404


async def test_links_are_replaced_whole_and_must_be_http_urls(client: Client) -> None:
    profile_id = await make(client, "owner")
    base = f"/v1/dancers/{profile_id}/links"
    links = [{"label": "Site", "url": "https://example.test"}, {"url": "http://b.example.test"}]
    put = await client.put(base, json={"links": links}, headers=auth("owner"))
    assert put.status_code == 200 and [link["url"] for link in put.json()] == [
        link["url"] for link in links
    ]
    for bad in ("javascript:alert(1)", "example.test", "https://"):
        response = await client.put(base, json={"links": [{"url": bad}]}, headers=auth("owner"))
        assert response.status_code == 422, bad
    assert len((await client.get(base, headers=auth("stranger"))).json()) == 2
    too_many = [{"url": f"https://example.test/{n}"} for n in range(21)]
    assert (
        await client.put(base, json={"links": too_many}, headers=auth("owner"))
    ).status_code == 422


async def test_resume_styles_come_from_the_vocabulary_or_stay_free_text(client: Client) -> None:
    profile_id = await make(client, "owner")
    response = await client.patch(
        f"/v1/dancers/{profile_id}/resume",
        json={"danceStyles": ["hip hop", "KPOP", "k pop", "Voguing"], "skills": ["Tumbling"]},
        headers=auth("owner"),
    )
    assert response.status_code == 200, response.text
    assert response.json()["danceStyles"] == ["Hip-Hop", "KPOP", "K-Pop", "Voguing"]
    assert response.json()["skills"] == ["Tumbling"]
    vocabulary = await client.get("/v1/dance-styles", headers=auth("anyone"))
    assert "Hip-Hop" in vocabulary.json() and vocabulary.json() == sorted(vocabulary.json())


async def test_representation_is_a_dancers_and_agent_details_stay_private(client: Client) -> None:
    profile_id = await make(client, "owner")
    base = f"/v1/dancers/{profile_id}/representation"
    body = {
        "representationStatus": "represented",
        "representation": {"agencyName": "Stars", "agentName": "Pat", "email": "pat@stars.test"},
    }
    changed = await client.patch(base, json=body, headers=auth("owner"))
    assert changed.status_code == 200 and changed.json()["representation"]["agentName"] == "Pat"
    public = (await client.get(base, headers=auth("stranger"))).json()
    assert public["representation"] == {"agencyName": "Stars"}
    assert public["representationStatus"] == "represented"
    choreographer = await make(client, "maker", "choreographer")
    absent = await client.get(
        f"/v1/choreographers/{choreographer}/representation", headers=auth("maker")
    )
    assert absent.status_code in (404, 405)

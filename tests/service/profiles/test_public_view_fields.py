"""The public view, field by field: for a dancer and a choreographer with every field
filled, others see exactly the declared public fields, and the owner and admins see all,
in GET by id, in search results and in the content sub-resources."""

import copy
import re
from typing import Any

from tests.helpers import Client, auth, onboard

DANCER: dict[str, Any] = {
    "displayName": "Vivian Fieldcheck",
    "bio": "Every field filled.",
    "listed": True,
    "headshots": [{"storageId": "h1", "url": "https://img.example.test/h1.jpg", "title": "One"}],
    "links": [{"label": "Site", "url": "https://vivian.example.test"}],
    "workLocation": ["Atlanta, GA"],
    "training": [{"name": "Ailey School", "type": "school"}],
    "resume": {
        "skills": ["tumbling"],
        "danceStyles": ["Jazz"],
        "uploads": [{"storageId": "cv1", "title": "CV"}],
    },
    "attributes": {
        "gender": "female",
        "ethnicity": ["mixed"],
        "hairColor": "black",
        "eyeColor": "brown",
        "height": {"feet": 5, "inches": 7},
        "birthYear": 1994,
    },
    "sizing": {
        "shirt": "M",
        "pants": "8",
        "shoe": 9.5,
        "waist": 28,
        "chest": 34,
        "hips": 36,
        "inseam": 30,
    },
    "sagAftraId": "SAG-778899",
    "representationStatus": "represented",
    "representation": {
        "agencyName": "Go 2 Talent",
        "agentName": "Agent Secretname",
        "email": "agent.secret@agency.example.test",
        "phone": "+1 555 0199",
    },
}
CHOREOGRAPHER: dict[str, Any] = {
    **{key: DANCER[key] for key in ("bio", "listed", "headshots", "links", "workLocation")},
    **{key: DANCER[key] for key in ("training", "resume")},
    "displayName": "Vivian Fieldcheck Studio",
    "companyName": "Fieldcheck Company",
}
DANCER_SECTIONS = {
    "availability": {"start": "2027-01-01", "end": "2027-01-31", "status": "available"},
    "specialisations": {"style": "Jazz", "level": "advanced"},
    "videos": {"url": "https://video.example.test/v1", "title": "Reel", "durationSeconds": 60},
    "auditions": {"production": "Show", "date": "2026-05-01", "role": "Lead"},
}
CHOREOGRAPHER_SECTIONS = {
    "workshops": {"title": "Intensive", "startDate": "2027-02-01", "endDate": "2027-02-02"},
    "rate-cards": {"service": "Class", "unit": "hour", "amount": 80, "currency": "USD"},
    "portfolio": {"title": "Work", "year": 2024, "artist": "Band", "role": "Choreographer"},
}
PRIVATE_VALUES = ("SAG-778899", "1994", "Secretname", "agent.secret@", "555 0199", "9.5")

OWNER, STRANGER, ADMIN = "field-owner", "field-stranger", "field-admin"


def public_of_dancer(full: dict[str, Any]) -> dict[str, Any]:
    """What the contract says others see: all but the private fields."""
    public = copy.deepcopy(full)
    del public["sagAftraId"], public["sizing"], public["attributes"]["birthYear"]
    public["representation"] = {"agencyName": full["representation"]["agencyName"]}
    return public


async def fill(client: Client, kind: str, profile_id: str, sections: dict[str, Any]) -> None:
    for section, item in sections.items():
        response = await client.post(
            f"/v1/{kind}/{profile_id}/{section}", json=item, headers=auth(OWNER)
        )
        assert response.status_code == 201, response.text


async def read(client: Client, path: str, sub: str, admin: bool = False) -> dict[str, Any]:
    response = await client.get(path, headers=auth(sub, admin=admin))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def found_in_search(client: Client, path: str, sub: str, profile_id: str) -> dict[str, Any]:
    body = await read(client, path, sub, admin=sub == ADMIN)
    items = [item for item in body["items"] if item["id"] == profile_id]
    assert len(items) == 1, body
    found: dict[str, Any] = items[0]
    return found


async def test_every_field_of_both_profiles_by_caller(client: Client) -> None:
    dancer = await onboard(client, OWNER, **DANCER)
    added = await client.post(
        "/v1/me/profiles",
        json={"profileType": "choreographer", **CHOREOGRAPHER},
        headers=auth(OWNER),
    )
    assert added.status_code == 201, added.text
    choreographer = added.json()
    await fill(client, "dancers", dancer["id"], DANCER_SECTIONS)
    await fill(client, "choreographers", choreographer["id"], CHOREOGRAPHER_SECTIONS)

    dancer_path = f"/v1/dancers/{dancer['id']}"
    full = await read(client, dancer_path, OWNER)
    for key, value in DANCER.items():  # every field was stored and the owner sees it
        assert full[key] == value or key in ("headshots", "resume"), key
    assert full["representation"] == DANCER["representation"]
    assert full["sizing"] == DANCER["sizing"] and full["attributes"]["birthYear"] == 1994
    for section in ("availability", "specialisations", "videos", "auditions"):
        assert len(full[section]) == 1, section
    public = public_of_dancer(full)

    stranger_view = await read(client, dancer_path, STRANGER)
    assert stranger_view == public
    assert set(stranger_view) == set(full) - {"sagAftraId", "sizing"}
    assert set(stranger_view["attributes"]) == set(full["attributes"]) - {"birthYear"}
    assert await read(client, dancer_path, ADMIN, admin=True) == full

    query = "?q=fieldcheck"
    for search in (f"/v1/dancers{query}", f"/v1/search{query}"):
        seen = await found_in_search(client, search, STRANGER, dancer["id"])
        assert {k: v for k, v in seen.items() if k in public} == public, search
        assert set(seen) - set(public) <= {"profileType", "matched", "score"}, search
        # an id or a time may hold 1994 or 9.5 (`...:09.5...`), and so may the score
        shown = {key: value for key, value in seen.items() if key != "score"}
        text = re.sub(r"[0-9a-f]{24}", "<id>", str(shown))
        text = re.sub(r"\d{4}-\d\d-\d\dT[0-9:.]+", "<time>", text)
        assert not any(value in text for value in PRIVATE_VALUES), search
        for sub in (OWNER, ADMIN):
            mine = await found_in_search(client, search, sub, dancer["id"])
            assert {k: v for k, v in mine.items() if k in full} == full, (search, sub)

    representation = f"{dancer_path}/representation"
    assert await read(client, representation, STRANGER) == {
        "representationStatus": "represented",
        "representation": {"agencyName": "Go 2 Talent"},
    }
    for sub in (OWNER, ADMIN):
        owner_view = await read(client, representation, sub, admin=sub == ADMIN)
        assert owner_view["representation"] == DANCER["representation"], sub

    choreographer_path = f"/v1/choreographers/{choreographer['id']}"
    full_choreographer = await read(client, choreographer_path, OWNER)
    for key, value in CHOREOGRAPHER.items():
        assert full_choreographer[key] == value or key in ("headshots", "resume"), key
    for section in ("workshops", "rateCards", "portfolio"):
        assert len(full_choreographer[section]) == 1, section
    # a choreographer profile has no private field: everyone sees all of it
    assert await read(client, choreographer_path, STRANGER) == full_choreographer
    assert await read(client, choreographer_path, ADMIN, admin=True) == full_choreographer
    for search in ("/v1/choreographers?q=fieldcheck", "/v1/search?q=fieldcheck"):
        seen = await found_in_search(client, search, STRANGER, choreographer["id"])
        assert {k: v for k, v in seen.items() if k in full_choreographer} == full_choreographer

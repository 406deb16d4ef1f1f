"""The availability filter: dancers available on every day between two dates."""

from typing import Any

import pytest

from tests.helpers import Client, auth, onboard
from tests.service.search.test_conformance import find

CALENDARS: dict[str, list[dict[str, str]]] = {
    "December": [{"start": "2026-12-01", "end": "2026-12-31", "status": "available"}],
    "Split": [
        {"start": "2026-12-01", "end": "2026-12-10", "status": "available"},
        {"start": "2026-12-11", "end": "2026-12-24", "status": "available"},
    ],
    "Booked": [
        {"start": "2026-12-01", "end": "2026-12-31", "status": "available"},
        {"start": "2026-12-14", "end": "2026-12-15", "status": "booked"},
    ],
    "Tentative": [{"start": "2026-12-01", "end": "2026-12-31", "status": "tentative"}],
    "January": [{"start": "2027-01-01", "end": "2027-01-31", "status": "available"}],
}


async def seed_calendars(client: Client) -> None:
    for name, ranges in CALENDARS.items():
        profile = await onboard(client, name.lower(), "dancer", displayName=f"{name} Dancer")
        for entry in ranges:
            response = await client.post(
                f"/v1/dancers/{profile['id']}/availability", json=entry, headers=auth(name.lower())
            )
            assert response.status_code == 201, response.text
    await onboard(client, "maker", "choreographer", displayName="Maker Dancer")


def first_names(body: dict[str, Any]) -> set[str]:
    return {item["displayName"].split()[0] for item in body["items"]}


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2026-12-05", "2026-12-08", {"December", "Split", "Booked"}),
        ("2026-12-08", "2026-12-13", {"December", "Split", "Booked"}),  # across two ranges
        ("2026-12-12", "2026-12-16", {"December", "Split"}),  # booked in the middle
        ("2026-12-20", "2026-12-28", {"December", "Booked"}),
        ("2026-12-30", "2027-01-02", set()),  # no one covers the turn of the year
        ("2027-01-10", "2027-01-10", {"January"}),
    ],
)
async def test_available_between_two_dates(
    client: Client, start: str, end: str, expected: set[str]
) -> None:
    await seed_calendars(client)
    found = await find(client, "/v1/dancers", availableFrom=start, availableTo=end, limit=100)
    assert first_names(found) == expected
    everyone = await find(client, availableFrom=start, availableTo=end, q="dancer", limit=100)
    assert first_names(everyone) == expected  # choreographers have no calendar


async def test_availability_needs_both_dates_in_order(client: Client) -> None:
    for params in (
        {"availableFrom": "2026-12-01"},
        {"availableFrom": "2026-12-10", "availableTo": "2026-12-01"},
        {"availableFrom": "2026-01-01", "availableTo": "2027-06-01"},
        {"availableFrom": "soon", "availableTo": "2026-12-01"},
    ):
        response = await client.get("/v1/dancers", params=params, headers=auth("reader"))
        assert response.status_code == 422, (params, response.text)

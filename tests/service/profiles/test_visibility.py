"""Others see the public view of a profile; owners and admins see all of it."""

from typing import Any

from tests.helpers import Client, auth, onboard

PRIVATE_PROFILE: dict[str, Any] = {
    "sagAftraId": "SAG-123",
    "sizing": {"shirt": "M", "shoe": 9.5, "waist": 28},
    "attributes": {"gender": "female", "birthYear": 1995, "hairColor": "black"},
    "representationStatus": "represented",
    "representation": {
        "agencyName": "Go 2 Talent",
        "agentName": "José",
        "email": "agent@agency.example.test",
        "phone": "+1 555 0100",
    },
}


async def test_another_user_sees_only_the_public_view(client: Client) -> None:
    dancer = await onboard(client, "private", **PRIVATE_PROFILE)
    public = await client.get(f"/v1/dancers/{dancer['id']}", headers=auth("stranger"))
    assert public.status_code == 200
    body = public.json()
    assert "sagAftraId" not in body and "sizing" not in body
    assert "birthYear" not in body["attributes"]
    assert body["attributes"]["hairColor"] == "black"
    assert body["representation"] == {"agencyName": "Go 2 Talent"}
    text = public.text
    for secret in ("SAG-123", "agent@agency.example.test", "555 0100", "1995", "José"):
        assert secret not in text

    listed = await client.get("/v1/dancers", headers=auth("stranger"))
    item = next(i for i in listed.json()["items"] if i["id"] == dancer["id"])
    assert "sagAftraId" not in item and "sizing" not in item
    assert "SAG-123" not in listed.text


async def test_owner_and_admin_see_the_full_view(client: Client) -> None:
    dancer = await onboard(client, "private", **PRIVATE_PROFILE)
    for headers in (auth("private"), auth("root", admin=True)):
        body = (await client.get(f"/v1/dancers/{dancer['id']}", headers=headers)).json()
        assert body["sagAftraId"] == "SAG-123"
        assert body["sizing"]["shoe"] == 9.5
        assert body["attributes"]["birthYear"] == 1995
        assert body["representation"]["email"] == "agent@agency.example.test"
    me = (await client.get("/v1/me", headers=auth("private"))).json()
    assert me["activeProfile"]["sagAftraId"] == "SAG-123"

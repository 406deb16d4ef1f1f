from tests.helpers import Client, auth, onboard


async def test_onboarding_creates_account_and_profile(client: Client) -> None:
    profile = await onboard(client, "alice", displayName="Alice A")
    assert profile["profileType"] == "dancer"
    assert profile["isActive"] and profile["isPrimary"]
    me = await client.get("/v1/me", headers=auth("alice"))
    assert me.status_code == 200, me.text
    assert me.json()["activeProfile"]["id"] == profile["id"]

"""Each operation at the round trips the database needs: every command the service sends
for one request, counted by the driver's command listener, against a budget (the fewest
MongoDB needs for the same result, plus none or one). The caller is warm (its account id
remembered), dual write is on, and reads come from the profiles and from the legacy
fields alike."""

from typing import Any

import pytest

from tests.api.deadline_helpers import CommandRecorder
from tests.helpers import Client, auth, onboard
from tests.service.rollout.dual_write_helpers import set_flags

OWNER = "round-trips-owner"
BUDGETS: list[tuple[str, str, Any, int, str]] = [
    ("GET", "/v1/dancers/{dancer}", None, 1, "find"),
    ("GET", "/v1/me", None, 2, "find user, find profile"),
    (
        "PATCH",
        "/v1/dancers/{dancer}",
        {"bio": "a new bio"},
        4,
        "find, findAndModify (version in the filter), mirror, commit",
    ),
    (
        "PATCH",
        "/v1/me",
        {"fullName": "A New Name", "activeProfile": {"bio": "another bio"}},
        5,
        "find user, update user, find profile, findAndModify profile, mirror, commit less one:"
        " the account's own update",
    ),
    (
        "PATCH",
        "/v1/me",
        {"activeProfile": {"bio": "a third bio"}},
        5,
        "find user, then the profile PATCH",
    ),
    (
        "PUT",
        "/v1/me/profiles/active",
        {"profileType": "choreographer"},
        5,
        "user, target, other, commit (and a stale reference, rarely)",
    ),
    ("PUT", "/v1/me/profiles/active", {"profileType": "dancer"}, 5, "and back"),
    (
        "POST",
        "/v1/dancers/{dancer}/projects",
        {"title": "A Show"},
        5,
        "find profile, insert, findAndModify profile (its counts), commit",
    ),
]


@pytest.mark.parametrize("read_source", ["profiles", "legacy"])
async def test_each_operation_sends_at_most_its_budget_of_commands(
    recorder: CommandRecorder, client: Client, read_source: str
) -> None:
    dancer = await onboard(client, OWNER, "dancer", displayName="Owner")
    added = await client.post(
        "/v1/me/profiles",
        json={"profileType": "choreographer", "displayName": "Other"},
        headers=auth(OWNER),
    )
    assert added.status_code in (200, 201), added.text
    await set_flags(client, dualWrite=True, readSource=read_source)
    for warm in ("/v1/me", f"/v1/dancers/{dancer['id']}"):
        assert (await client.get(warm, headers=auth(OWNER))).status_code == 200
    sent: dict[str, list[str]] = {}
    for method, path, body, budget, why in BUDGETS:
        recorder.commands = []
        url = path.format(dancer=dancer["id"])
        response = await client.request(method, url, json=body, headers=auth(OWNER))
        assert response.status_code in (200, 201), (method, url, response.text)
        names = [name for name in recorder.names() if name != "endSessions"]
        sent[f"{method} {path} {body}"] = names
        assert len(names) <= budget, (method, path, body, names, why)
    assert sent["PATCH /v1/dancers/{dancer} {'bio': 'a new bio'}"] == [
        "find",
        "findAndModify",
        "findAndModify",
        "commitTransaction",
    ]

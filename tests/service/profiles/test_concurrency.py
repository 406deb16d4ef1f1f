"""Concurrent writes end consistent: switches, and stale updates (If-Match)."""

import asyncio
import random
from typing import Any

from pymongo import AsyncMongoClient

from service.platform.config import Settings
from service.platform.db import MongoDocument
from tests.helpers import Client, auth, onboard


async def test_fifty_concurrent_switches_end_consistent(
    client: Client, raw_client: AsyncMongoClient[MongoDocument], settings: Settings
) -> None:
    await onboard(client, "switcher")
    await client.post(
        "/v1/me/profiles", json={"profileType": "choreographer"}, headers=auth("switcher")
    )
    chooser = random.Random(7)
    targets = [chooser.choice(["dancer", "choreographer"]) for _ in range(50)]

    async def switch(target: str) -> int:
        response = await client.put(
            "/v1/me/profiles/active", json={"profileType": target}, headers=auth("switcher")
        )
        return response.status_code

    statuses = await asyncio.gather(*(switch(target) for target in targets))
    assert all(status < 500 for status in statuses), statuses
    assert statuses.count(200) >= 1
    assert set(statuses) <= {200, 409}

    db = raw_client[settings.db_name]
    user = await db.users.find_one({"authId": "switcher"})
    assert user is not None
    profiles: list[dict[str, Any]] = [
        *(await db.dancers.find({"userId": user["_id"]}).to_list()),
        *(await db.choreographers.find({"userId": user["_id"]}).to_list()),
    ]
    active = [p for p in profiles if p["isActive"]]
    assert len(active) == 1
    expected = (
        user["activeDancerId"]
        if user["activeProfileType"] == "dancer"
        else (user["activeChoreographerId"])
    )
    assert active[0]["_id"] == expected
    assert sum(1 for p in profiles if p["isPrimary"]) == 1


async def test_stale_if_match_is_412_and_changes_nothing(client: Client) -> None:
    dancer = await onboard(client, "etag")
    path = f"/v1/dancers/{dancer['id']}"
    read = await client.get(path, headers=auth("etag"))
    etag = read.headers["etag"]
    first = await client.patch(
        path, json={"bio": "from phone"}, headers={**auth("etag"), "If-Match": etag}
    )
    assert first.status_code == 200
    stale = await client.patch(
        path, json={"bio": "from laptop"}, headers={**auth("etag"), "If-Match": etag}
    )
    assert stale.status_code == 412
    assert stale.headers["content-type"].startswith("application/problem+json")
    assert (await client.get(path, headers=auth("etag"))).json()["bio"] == "from phone"
    fresh = await client.patch(
        path,
        json={"bio": "from laptop"},
        headers={**auth("etag"), "If-Match": first.headers["etag"]},
    )
    assert fresh.status_code == 200
    empty = await client.patch(path, json={"bio": "y"}, headers={**auth("etag"), "If-Match": ""})
    assert empty.status_code == 200  # an empty If-Match is no precondition, as an absent one
    # not an ETag of this service: a weak tag (never matches), a list, a digit that is no
    # ASCII digit
    for header in (b"garbage", '"²"'.encode(), b'"1", "2"', b'"-1"', b'W/"1"'):
        headers = {key.encode(): value.encode() for key, value in auth("etag").items()}
        response = await client.patch(
            path, json={"bio": "x"}, headers={**headers, b"If-Match": header}
        )
        assert response.status_code == 400, (header, response.text)
        problem = response.json()
        assert problem["type"] == "urn:profiles:problem:malformed-request"
        assert [e["field"] for e in problem["errors"]] == ["If-Match"]
    stale_delete = await client.delete(path, headers={**auth("etag"), "If-Match": etag})
    assert stale_delete.status_code == 412


async def test_stale_if_match_on_me_is_412(client: Client) -> None:
    await onboard(client, "me-etag")
    me = await client.get("/v1/me", headers=auth("me-etag"))
    etag = me.headers["etag"]
    ok = await client.patch(
        "/v1/me",
        json={"activeProfile": {"bio": "a"}},
        headers={**auth("me-etag"), "If-Match": etag},
    )
    assert ok.status_code == 200
    stale = await client.patch(
        "/v1/me",
        json={"activeProfile": {"bio": "b"}},
        headers={**auth("me-etag"), "If-Match": etag},
    )
    assert stale.status_code == 412
    assert (await client.get("/v1/me", headers=auth("me-etag"))).json()["activeProfile"][
        "bio"
    ] == "a"


async def test_concurrent_patches_without_if_match_all_land(client: Client) -> None:
    dancer = await onboard(client, "racer")
    path = f"/v1/dancers/{dancer['id']}"
    fields = ["bio", "displayName", "sagAftraId"]
    responses = await asyncio.gather(
        *(
            client.patch(path, json={field: f"value-{field}"}, headers=auth("racer"))
            for field in fields
        )
    )
    assert [r.status_code for r in responses] == [200, 200, 200]
    final = (await client.get(path, headers=auth("racer"))).json()
    assert all(final[field] == f"value-{field}" for field in fields)
    assert final["version"] == dancer["version"] + 3

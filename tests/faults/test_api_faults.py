"""Faults injected under API writes: a clean 503 (or success by retry), never a 500; the
data stays consistent and nothing acknowledged is lost."""

import random
from typing import Any

import pytest
from bson import ObjectId
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from migrations.verify import find_mismatches
from service.platform.config import Settings
from service.platform.db import MongoDocument
from tests.fault_tally import TALLY
from tests.faults.conftest import Faults
from tests.helpers import Client, auth, onboard
from tests.service.rollout.dual_write_helpers import insert_legacy_user, set_flags

# (commands, failpoint data): network drops, write conflicts, server-side time limits,
# host unreachable, a slow server; and shutdown / step-down / not-primary codes, after
# which PyMongo waits for its monitor to see the server again (up to its heartbeat
# interval, 10 s, on SecantusDB, whose awaitable hello does not end early), so those run
# with one fault each
FAULTS: list[tuple[list[str], dict[str, Any]]] = [
    (["findAndModify"], {"closeConnection": True}),
    (["findAndModify"], {"errorCode": 112}),  # WriteConflict
    (["findAndModify"], {"errorCode": 50}),  # MaxTimeMSExpired
    (["findAndModify"], {"errorCode": 6}),  # HostUnreachable
    (["commitTransaction"], {"closeConnection": True}),
    (["commitTransaction"], {"errorCode": 112}),
    (["commitTransaction"], {"errorCode": 50}),
    (["find"], {"closeConnection": True}),
    (["find"], {"errorCode": 50}),
    (["findAndModify"], {"blockConnection": True, "blockTimeMS": 300}),
]
STATE_CHANGE_FAULTS: list[tuple[list[str], dict[str, Any]]] = [
    (["findAndModify"], {"errorCode": 91}),  # ShutdownInProgress
    (["findAndModify"], {"errorCode": 189}),  # PrimarySteppedDown
    (["commitTransaction"], {"errorCode": 10107}),  # NotWritablePrimary
    (["find"], {"errorCode": 11600}),  # InterruptedAtShutdown
]
TIMES = (1, 2, 5)


def _id(fault: Any) -> str:
    if all(isinstance(item, int) for item in fault):
        return "times=" + "+".join(str(item) for item in fault)
    commands, data = fault
    what = ",".join(f"{k}={v}" for k, v in data.items())
    return f"{'+'.join(commands)}:{what}"


async def _profiles(db: AsyncDatabase[MongoDocument], user_id: ObjectId) -> list[MongoDocument]:
    return [
        *(await db.dancers.find({"userId": user_id}).to_list()),
        *(await db.choreographers.find({"userId": user_id}).to_list()),
    ]


async def assert_consistent(db: AsyncDatabase[MongoDocument], auth_id: str) -> MongoDocument:
    """Exactly one active and one primary profile, and the user names the active one."""
    user = await db.users.find_one({"authId": auth_id})
    assert user is not None
    profiles = await _profiles(db, user["_id"])
    active = [p for p in profiles if p["isActive"]]
    assert len(active) == 1, [(p["_id"], p["isActive"]) for p in profiles]
    assert sum(1 for p in profiles if p["isPrimary"]) == 1
    kind = user["activeProfileType"]
    ref = user["activeDancerId"] if kind == "dancer" else user["activeChoreographerId"]
    assert active[0]["_id"] == ref
    return user


@pytest.mark.parametrize(
    ("fault", "times"),
    [(fault, TIMES) for fault in FAULTS] + [(fault, (1,)) for fault in STATE_CHANGE_FAULTS],
    ids=_id,
)
async def test_a_faulty_profile_patch_is_retried_or_a_clean_503(
    client: Client,
    raw_client: AsyncMongoClient[MongoDocument],
    settings: Settings,
    faults: Faults,
    fault: tuple[list[str], dict[str, Any]],
    times: tuple[int, ...],
) -> None:
    commands, data = fault
    dancer = await onboard(client, "patcher")
    path = f"/v1/dancers/{dancer['id']}"
    acknowledged = {"bio": None, "version": dancer["version"]}
    for count in times:
        bio = f"bio after {count} faults"
        async with faults.failing(commands, count, **data):
            response = await client.patch(path, json={"bio": bio}, headers=auth("patcher"))
        TALLY.saw(response.status_code)
        assert response.status_code in (200, 503), response.text
        if response.status_code == 503:
            assert response.headers["content-type"].startswith("application/problem+json")
        else:
            acknowledged = {"bio": bio, "version": response.json()["version"]}
        stored = (await client.get(path, headers=auth("patcher"))).json()
        assert (stored["bio"], stored["version"]) == (acknowledged["bio"], acknowledged["version"])
    await assert_consistent(raw_client[settings.db_name], "patcher")


SWITCH_FAULTS: list[tuple[list[str], dict[str, Any]]] = [
    (["findAndModify"], {"closeConnection": True}),
    (["update"], {"closeConnection": True}),
    (["update"], {"errorCode": 112}),
    (["update"], {"errorCode": 50}),
    (["findAndModify"], {"errorCode": 112}),  # the switch reads nothing: its writes answer
    (["commitTransaction"], {"closeConnection": True}),
    (["commitTransaction"], {"errorCode": 112}),
]


@pytest.mark.parametrize("fault", SWITCH_FAULTS, ids=_id)
async def test_a_faulty_switch_leaves_one_consistent_active_profile(
    client: Client,
    raw_client: AsyncMongoClient[MongoDocument],
    settings: Settings,
    faults: Faults,
    fault: tuple[list[str], dict[str, Any]],
) -> None:
    commands, data = fault
    db = raw_client[settings.db_name]
    await onboard(client, "switcher")
    added = await client.post(
        "/v1/me/profiles", json={"profileType": "choreographer"}, headers=auth("switcher")
    )
    assert added.status_code == 201, added.text
    expected = "dancer"
    for times, target in zip(TIMES * 2, ["choreographer", "dancer"] * 3, strict=True):
        async with faults.failing(commands, times, **data):
            response = await client.put(
                "/v1/me/profiles/active", json={"profileType": target}, headers=auth("switcher")
            )
        TALLY.saw(response.status_code)
        assert response.status_code in (200, 503), response.text
        if response.status_code == 200:
            expected = target
        user = await assert_consistent(db, "switcher")
        assert user["activeProfileType"] == expected
        active = (await client.get("/v1/me/profiles/active", headers=auth("switcher"))).json()
        assert active["profileType"] == expected


DUAL_WRITE_FAULTS: list[tuple[list[str], dict[str, Any]]] = [
    (["update"], {"closeConnection": True}),
    (["update"], {"errorCode": 112}),
    (["update"], {"errorCode": 50}),
    (["update"], {"errorCode": 6}),
]


@pytest.mark.parametrize("fault", DUAL_WRITE_FAULTS, ids=_id)
async def test_a_failed_legacy_write_in_dual_write_rolls_back_the_profile(
    client: Client,
    raw_client: AsyncMongoClient[MongoDocument],
    settings: Settings,
    faults: Faults,
    fault: tuple[list[str], dict[str, Any]],
) -> None:
    """The user update of dual write fails: the profile write is rolled back with it (or
    both are retried), so verify never finds the two sides apart."""
    commands, data = fault
    db = raw_client[settings.db_name]
    legacy = await insert_legacy_user(db, "kira")
    await set_flags(client, dualWrite=True)
    onboarded = await client.post(
        "/v1/me/onboarding", json={"profileType": "dancer", "bio": "first"}, headers=auth("kira")
    )
    assert onboarded.status_code == 201, onboarded.text
    path = f"/v1/dancers/{onboarded.json()['id']}"
    acknowledged = "first"
    for times in TIMES:
        bio = f"bio with {times} failed user updates"
        async with faults.failing(commands, times, **data):
            response = await client.patch(path, json={"bio": bio}, headers=auth("kira"))
        TALLY.saw(response.status_code)
        assert response.status_code in (200, 503), response.text
        if response.status_code == 200:
            acknowledged = bio
        assert [m.describe() for m in await find_mismatches(db)] == []
        user = await db.users.find_one({"_id": legacy["_id"]})
        profile = await db.dancers.find_one({"userId": legacy["_id"]})
        assert user is not None and profile is not None
        assert user["bio"] == profile["bio"] == acknowledged
    await assert_consistent(db, "kira")


async def test_random_faults_under_a_stream_of_writes_lose_nothing_acknowledged(
    client: Client,
    raw_client: AsyncMongoClient[MongoDocument],
    settings: Settings,
    faults: Faults,
) -> None:
    """Forty writes (PATCH and switch), each under a random fault: the final state is
    exactly what the acknowledged writes made it."""
    chooser = random.Random(11)
    db = raw_client[settings.db_name]
    dancer = await onboard(client, "stream")
    await client.post(
        "/v1/me/profiles", json={"profileType": "choreographer"}, headers=auth("stream")
    )
    path = f"/v1/dancers/{dancer['id']}"
    expected_bio, expected_active, acknowledged_patches = None, "dancer", 0
    statuses: list[int] = []
    for step in range(40):
        commands, data = chooser.choice(FAULTS + SWITCH_FAULTS)
        times = chooser.choice((1, 2, 3))
        async with faults.failing(commands, times, **data):
            if step % 2 == 0:
                bio = f"step {step}"
                response = await client.patch(path, json={"bio": bio}, headers=auth("stream"))
                if response.status_code == 200:
                    expected_bio, acknowledged_patches = bio, acknowledged_patches + 1
            else:
                target = chooser.choice(["dancer", "choreographer"])
                response = await client.put(
                    "/v1/me/profiles/active", json={"profileType": target}, headers=auth("stream")
                )
                if response.status_code == 200:
                    expected_active = target
        statuses.append(response.status_code)
        TALLY.saw(response.status_code)
    assert set(statuses) <= {200, 503}, statuses
    stored = await db.dancers.find_one({"_id": ObjectId(dancer["id"])})
    assert stored is not None
    assert stored["bio"] == expected_bio
    user = await assert_consistent(db, "stream")
    assert user["activeProfileType"] == expected_active

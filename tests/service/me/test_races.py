"""Races of account and profile creation, each forced in-process: the check a request
makes before its transaction is made to pass as it does when another request commits
in between, and the transaction itself must then refuse."""

from typing import Any

import pytest
from pymongo import AsyncMongoClient

import service.me.onboarding as onboarding
from documents import User
from service.platform.config import Settings
from service.platform.db import MongoDocument
from tests.helpers import Client, auth, onboard


async def _nothing_yet(*_: Any, **__: Any) -> None:
    """The pre-check of a request that ran before the other request committed."""
    return None


async def test_onboarding_as_both_kinds_at_once_ends_with_one_profile_and_a_409(
    client: Client,
    raw_client: AsyncMongoClient[MongoDocument],
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await onboard(client, "twice", "dancer")
    # the choreographer onboarding checked for profiles before the dancer one committed
    monkeypatch.setattr(onboarding, "find_profile_of_user", _nothing_yet)
    second = await client.post(
        "/v1/me/onboarding", json={"profileType": "choreographer"}, headers=auth("twice")
    )
    assert second.status_code == 409, second.text
    assert second.json()["type"] == "urn:profiles:problem:conflict"
    user = await raw_client[settings.db_name].users.find_one({"authId": "twice"})
    assert user is not None
    database = raw_client[settings.db_name]
    assert await database.dancers.count_documents({"userId": user["_id"]}) == 1
    assert await database.choreographers.count_documents({"userId": user["_id"]}) == 0


async def test_no_profile_outlives_its_erased_account(
    client: Client,
    raw_client: AsyncMongoClient[MongoDocument],
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await onboard(client, "erased", "dancer")
    raw = await raw_client[settings.db_name].users.find_one({"authId": "erased"})
    assert raw is not None
    looked_up = User.model_validate(raw)
    # the onboarding found the account; then the erasure committed; then it created
    assert (await client.delete("/v1/me", headers=auth("erased"))).status_code == 204

    async def stale_account(*_: Any, **__: Any) -> Any:
        return looked_up

    monkeypatch.setattr(onboarding, "ensure_account", stale_account)
    late = await client.post(
        "/v1/me/onboarding", json={"profileType": "choreographer"}, headers=auth("erased")
    )
    assert late.status_code == 409, late.text
    assert late.json()["type"] == "urn:profiles:problem:concurrent-change"
    database = raw_client[settings.db_name]
    assert await database.choreographers.count_documents({"userId": looked_up.oid}) == 0
    assert await database.dancers.count_documents({"userId": looked_up.oid}) == 0

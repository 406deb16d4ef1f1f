"""Stored values of any BSON type, where legacy data or a migration left them, never
make a read answer 500: what has no JSON form is left out of the answer."""

import datetime

import pytest
from bson import DBRef, Decimal128, Int64, MaxKey, MinKey, ObjectId, Regex, Timestamp
from bson.code import Code
from pymongo import AsyncMongoClient

from service.platform.config import Settings
from service.platform.db import MongoDocument
from tests.helpers import Client, auth, onboard

ODD_VALUES = {
    "regex": Regex("^a", "i"),
    "timestamp": Timestamp(1, 1),
    "dbref": DBRef("users", ObjectId()),
    "minkey": MinKey(),
    "maxkey": MaxKey(),
    "objectid": ObjectId(),
    "code": Code("x"),
    "nan": float("nan"),
    "infinity": float("inf"),
    "int64": Int64(5),
    "decimal": Decimal128("1.5"),
    "bytes": b"\x00\x01",
    "old date": datetime.datetime(1, 1, 1),
}

JSON_FORM = {"int64": 5, "decimal": 1.5, "old date": "0001-01-01T00:00:00Z"}
"""What the owner's view shows of the values that have a JSON form (the others are left
out of the answer, and stay stored)."""


@pytest.mark.parametrize("name", sorted(ODD_VALUES))
async def test_a_profile_holding_an_odd_value_is_read_without_a_500(
    client: Client, raw_client: AsyncMongoClient[MongoDocument], settings: Settings, name: str
) -> None:
    profile = await onboard(client, "odd-owner")
    db = raw_client[settings.db_name]
    value = ODD_VALUES[name]
    await db.dancers.update_one(
        {"_id": ObjectId(profile["id"])},
        {"$set": {"resume.legacyThing": value, "legacyTopLevel": {"nested": value}}},
    )
    for headers in (auth("odd-owner"), auth("odd-stranger"), auth("odd-admin", admin=True)):
        response = await client.get(f"/v1/dancers/{profile['id']}", headers=headers)
        assert response.status_code == 200, (name, response.text)
    owned = (await client.get(f"/v1/dancers/{profile['id']}", headers=auth("odd-owner"))).json()
    shown = owned["resume"].get("legacyThing", "left out")
    assert shown == JSON_FORM.get(name, "left out"), (name, shown)  # never a null for NaN
    me = await client.get("/v1/me", headers=auth("odd-owner"))
    assert me.status_code == 200, (name, me.text)
    found = await client.get("/v1/dancers", headers=auth("odd-stranger"))
    assert found.status_code == 200, (name, found.text)


@pytest.mark.parametrize("field", ["fullName", "email", "_creationTime", "displayName"])
@pytest.mark.parametrize("name", ["regex", "nan", "objectid", "int64", "old date"])
async def test_a_user_holding_an_odd_value_reads_its_account_without_a_500(
    client: Client,
    raw_client: AsyncMongoClient[MongoDocument],
    settings: Settings,
    field: str,
    name: str,
) -> None:
    await onboard(client, "odd-user")
    db = raw_client[settings.db_name]
    await db.users.update_one({"authId": "odd-user"}, {"$set": {field: ODD_VALUES[name]}})
    me = await client.get("/v1/me", headers=auth("odd-user"))
    assert me.status_code == 200, (field, name, me.text)

"""Helpers of the dual-write tests: a legacy-shaped user and the checks on it."""

from datetime import UTC, datetime
from typing import Any

from bson import ObjectId
from pymongo.asynchronous.database import AsyncDatabase

from documents.legacy.fields import PROFILE_FIELDS
from documents.vocabulary import ProfileType
from migrations.values import same_value
from migrations.verify import find_mismatches
from service.platform.db import MongoDocument
from tests.helpers import Client, auth

ADMIN = auth("root", admin=True)
CREATED = datetime(2024, 9, 5, 8, 5, 12, tzinfo=UTC)


def legacy_user(auth_id: str, profile_type: str = "Dancer ") -> MongoDocument:
    """A user as the old backend left it: drifted `profileType`, a float `_creationTime`,
    an unknown `legacyFlags` key, and legacy profile fields, but no profile yet."""
    return {
        "_id": ObjectId(),
        "authId": auth_id,
        "email": f"{auth_id}@mail.example.test",
        "fullName": "Kira Martin",
        "createdAt": CREATED,
        "updatedAt": CREATED,
        "_creationTime": CREATED.timestamp() * 1000.0,
        "legacyFlags": {"betaTester": True, "score": 3, "ratio": 0.5},
        "profileType": profile_type,
        "onboardingComplete": False,
        "displayName": "Kira Martin",
        "bio": "an old bio",
        "workLocation": "Berlin, New York",
        "headshots": None,
        "searchPattern": "kira martin berlin new york",
    }


async def insert_legacy_user(db: AsyncDatabase[MongoDocument], auth_id: str) -> MongoDocument:
    """Insert `legacy_user(auth_id)` directly, as an old release would have; return it."""
    user = legacy_user(auth_id)
    await db.users.insert_one(dict(user))
    return user


async def stored_user(db: AsyncDatabase[MongoDocument], user_id: ObjectId) -> MongoDocument:
    """The user document as stored now."""
    user = await db.users.find_one({"_id": user_id})
    assert user is not None
    return user


async def assert_legacy_mirrors_profile(
    db: AsyncDatabase[MongoDocument], user_id: ObjectId, profile_type: ProfileType
) -> MongoDocument:
    """Verify finds nothing, and every legacy field of the user equals the primary
    profile's stored value exactly (types included); returns the user."""
    assert [m.describe() for m in await find_mismatches(db)] == []
    user = await stored_user(db, user_id)
    profile = await db[f"{profile_type}s"].find_one({"userId": user_id})
    assert profile is not None and profile["isPrimary"] is True
    for field in PROFILE_FIELDS[profile_type]:
        if field in profile:
            assert same_value(user.get(field), profile[field]), (field, user.get(field))
    return user


async def active_profile(client: Client, sub: str) -> dict[str, Any]:
    """The caller's active profile, through the API."""
    response = await client.get("/v1/me/profiles/active", headers=auth(sub))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def set_flags(client: Client, **flags: Any) -> dict[str, Any]:
    """Change the rollout flags as an admin; return them."""
    response = await client.patch("/v1/admin/flags", json=flags, headers=ADMIN)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body

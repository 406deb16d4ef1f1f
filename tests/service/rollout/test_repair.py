"""`verify --repair` writes through the service's write path: a live write that lands
between the repair's read and its write is kept, the repair runs again on top of it."""

from datetime import UTC, datetime, timedelta

import pytest
from pymongo import AsyncMongoClient

from documents.derived.search_fields import search_tokens_of
from service.me.onboarding import complete_onboarding
from service.platform.caller import Caller
from service.platform.config import Settings
from service.platform.db import Database, MongoDocument
from service.profiles.kinds import kind_of
from service.profiles.reads import load_profile
from service.profiles.updates import patch_in_transaction
from service.profiles.writes import replace_profile_fields
from service.rollout import repair
from service.rollout.flags import set_flags


async def test_a_live_write_during_a_repair_is_kept_and_the_repair_redone(
    database: Database,
    raw_client: AsyncMongoClient[MongoDocument],
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = raw_client[settings.db_name]
    made = await complete_onboarding(Caller("repaired"), "dancer", None, "Rae Pair", {})
    # then dual write off (reads from the profiles): the live write stays on the profile
    await set_flags(Caller("ops", roles=frozenset({"admin"})), {"readSource": "profiles"})
    await set_flags(Caller("ops", roles=frozenset({"admin"})), {"dualWrite": False})
    user = await db.users.find_one({"authId": "repaired"})
    assert user is not None
    later = datetime.now(UTC) + timedelta(seconds=5)  # an older release wrote the user
    await db.users.update_one(
        {"_id": user["_id"]}, {"$set": {"bio": "From legacy", "updatedAt": later}}
    )

    original = replace_profile_fields
    interleaved: list[bool] = []

    async def a_live_write_first(*args, **kwargs):  # type: ignore[no-untyped-def]
        if not interleaved:  # once: the service writes the same profile right now
            interleaved.append(True)
            kind = kind_of("dancer")
            fresh = await load_profile(kind, str(made.view["id"]))
            await patch_in_transaction(kind, fresh, {"displayName": "Lively Newname"})
        return await original(*args, **kwargs)

    monkeypatch.setattr(repair, "replace_profile_fields", a_live_write_first)
    lines = await repair.repair_mismatches({user["_id"]: ["bio"]})

    assert interleaved and lines == [f"user {user['_id']} bio: profile <- legacy"]
    stored = await db.dancers.find_one({"userId": user["_id"]})
    assert stored is not None
    assert stored["bio"] == "From legacy"
    assert stored["displayName"] == "Lively Newname"  # not lost to the repair
    # and what the repair derived is derived from it, not from the profile it first read
    assert stored["searchTokens"] == search_tokens_of("dancer", stored)
    assert stored["version"] == 3  # the live write, then the repair, each once


async def test_a_value_the_profile_cannot_hold_is_recorded_never_overwritten(
    database: Database, raw_client: AsyncMongoClient[MongoDocument], settings: Settings
) -> None:
    """A legacy value no rule maps (a height written `5 foot 7`), found unrecorded: the
    repair records it and leaves it where it is, whichever side is newer."""
    db = raw_client[settings.db_name]
    await complete_onboarding(Caller("tall-tale"), "dancer", None, "Tal Tale", {})
    user = await db.users.find_one({"authId": "tall-tale"})
    assert user is not None
    height = {"height": "5 foot 7"}
    await db.users.update_one({"_id": user["_id"]}, {"$set": {"attributes": height}})

    lines = await repair.repair_mismatches({user["_id"]: ["attributes"]})

    assert lines == [f"user {user['_id']} attributes: recorded height-unrecognised '5 foot 7'"]
    stored = await db.users.find_one({"_id": user["_id"]})
    assert stored is not None and stored["attributes"] == height  # not nulled
    issue = await db.migration_issues.find_one({"userId": user["_id"]})
    assert issue is not None and issue["raw"] == "5 foot 7"

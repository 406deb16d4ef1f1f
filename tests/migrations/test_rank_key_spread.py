"""Migration 0010: `rankKey` carries a spread of the id; `down` writes the previous form."""

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from documents.derived.rank_key import id_spread, rank_key
from migrations.runner import Runner, RunOptions
from service.platform.db import MongoDocument
from tests.factories.drawn import ProfileGenerator


def quiet(to: int | None = None) -> RunOptions:
    return RunOptions(say=lambda line: None, to=to)


async def keys(db: AsyncDatabase[MongoDocument]) -> dict[Any, tuple[str, int, Any]]:
    found = {}
    for collection in ("dancers", "choreographers"):
        async for profile in db[collection].find({}, {"rankKey": 1, "completeness": 1}):
            found[profile["_id"]] = (profile["rankKey"], profile["completeness"], profile["_id"])
    return found


async def test_up_spreads_every_key_and_down_restores_the_previous_form(
    legacy_db: AsyncDatabase[MongoDocument],
) -> None:
    await Runner(legacy_db).up(quiet(9))
    for kind, profile in ProfileGenerator(seed=3).profiles(80):  # as the release before
        profile["rankKey"] = f"{100 - profile['completeness']:03d}{profile['_id']}"
        await legacy_db[f"{kind}s"].insert_one(profile)

    summaries = await Runner(legacy_db).up(quiet())
    assert [s["version"] for s in summaries] == [10, 11, 12, 13]
    spread = await keys(legacy_db)
    assert len(spread) == 80
    for key, completeness, profile_id in spread.values():
        assert key == rank_key(completeness, profile_id)
        assert key[3:11] == id_spread(profile_id)

    await Runner(legacy_db).down(quiet(9))
    for key, completeness, profile_id in (await keys(legacy_db)).values():
        assert key == f"{100 - completeness:03d}{profile_id}"

    await Runner(legacy_db).up(quiet())
    assert await keys(legacy_db) == spread
    assert await Runner(legacy_db).up(quiet()) == []

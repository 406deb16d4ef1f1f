"""Migration 0010: `rankKey` carries a spread of the id; `down` writes the previous form."""

from pymongo.asynchronous.database import AsyncDatabase

from migrations.runner import Runner, RunOptions
from service.db import MongoDocument
from service.search_fields import id_spread, rank_key
from tests.migrations.legacy_data import load_legacy


def quiet(to: int | None = None) -> RunOptions:
    return RunOptions(say=lambda line: None, to=to)


async def keys(db: AsyncDatabase[MongoDocument]) -> dict[object, tuple[str, int, object]]:
    found = {}
    for collection in ("dancers", "choreographers"):
        async for profile in db[collection].find({}, {"rankKey": 1, "completeness": 1}):
            found[profile["_id"]] = (profile["rankKey"], profile["completeness"], profile["_id"])
    return found


async def test_up_spreads_every_key_and_down_restores_the_previous_form(
    legacy_db: AsyncDatabase[MongoDocument],
) -> None:
    await load_legacy(legacy_db)
    await Runner(legacy_db).up(quiet())
    spread = await keys(legacy_db)
    assert len(spread) > 50
    for key, completeness, profile_id in spread.values():
        assert key == rank_key(completeness, profile_id)  # type: ignore[arg-type]
        assert key[3:11] == id_spread(profile_id)  # type: ignore[arg-type]

    await Runner(legacy_db).down(quiet(9))
    for key, completeness, profile_id in (await keys(legacy_db)).values():
        assert key == f"{100 - completeness:03d}{profile_id}"

    summaries = await Runner(legacy_db).up(quiet())
    assert await keys(legacy_db) == spread
    again = await Runner(legacy_db).up(quiet())
    assert [s["version"] for s in summaries] == [10] and again == []

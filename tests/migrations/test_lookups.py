"""Batch lookups by lists of values: every document found once, in the order asked, with
the batch's condition applied, whatever the length of the list."""

from pymongo.asynchronous.database import AsyncDatabase

from migrations.lookups import IN_CHUNK, find_by_ids, find_in
from service.platform.db import MongoDocument

Db = AsyncDatabase[MongoDocument]


async def test_find_by_ids_keeps_the_order_and_the_condition_over_several_chunks(
    legacy_db: Db,
) -> None:
    count = IN_CHUNK * 2 + 7
    await legacy_db.things.insert_many([{"_id": n, "even": n % 2 == 0} for n in range(count)])
    await legacy_db.things.insert_one({"_id": {"nested": 1}, "even": True})
    wanted = [*reversed(range(count)), {"nested": 1}, count + 5]  # the last one is absent

    found = await find_by_ids(legacy_db, "things", wanted, {"even": True})
    assert [d["_id"] for d in found] == [n for n in reversed(range(count)) if n % 2 == 0] + [
        {"nested": 1}
    ]

    projected = await find_by_ids(legacy_db, "things", [3, 1], {}, projection={"_id": 1})
    assert projected == [{"_id": 3}, {"_id": 1}]


async def test_find_in_reads_every_match_once(legacy_db: Db) -> None:
    await legacy_db.records.insert_many(
        [{"owner": n % (IN_CHUNK + 20), "n": n} for n in range(3 * (IN_CHUNK + 20))]
    )
    owners = list(range(IN_CHUNK + 10))
    found = [r async for r in find_in(legacy_db, "records", "owner", owners)]
    assert sorted(r["n"] for r in found) == sorted(
        n for n in range(3 * (IN_CHUNK + 20)) if n % (IN_CHUNK + 20) in owners
    )

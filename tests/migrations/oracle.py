"""What a whole migration of the legacy sample leaves, whatever crashes it survived:
every profile made once, nothing recorded twice, legacy and profiles agreeing."""

from pymongo.asynchronous.database import AsyncDatabase

from migrations.verify import find_mismatches
from service.platform.db import MongoDocument

DANCERS = 228
CHOREOGRAPHERS = 34


async def assert_migrated_whole(db: AsyncDatabase[MongoDocument]) -> None:
    """The sample migrated: no profile lost or made twice, verify clean, one issue
    record per (user, field, rule), every dancer user pointing at its profile."""
    assert await db.dancers.count_documents({}) == DANCERS
    assert await db.choreographers.count_documents({}) == CHOREOGRAPHERS
    assert len(await db.dancers.distinct("userId")) == DANCERS
    assert len(await db.choreographers.distinct("userId")) == CHOREOGRAPHERS
    assert await find_mismatches(db) == []
    issues = await db.migration_issues.find({}).to_list()
    assert len({(i["userId"], i["field"], i["rule"]) for i in issues}) == len(issues)
    unreferenced = await db.users.count_documents(
        {"profileType": {"$regex": "^ *dancer *$", "$options": "i"}, "activeDancerId": None}
    )
    assert unreferenced == 0

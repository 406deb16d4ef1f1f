"""Erasing an account: everything the service keeps about a person, in one transaction."""

from collections import Counter

from bson import ObjectId

from documents import Choreographer, Dancer, Project, Training, User
from migrations import collections as migration_collections
from service.account_ids import forget_account
from service.accounts import require_user_document
from service.caller import Caller
from service.db import Session
from service.flags import FLAGS_COLLECTION
from service.transactions import run_in_transaction


async def erase_account(caller: Caller) -> Counter[str]:
    """Delete the caller's account and everything of the person, atomically: the user
    document (with the legacy profile fields dual write keeps on it), both profiles
    (their embedded sections go with them), their project and training records, their
    migration issue records and legacy backup, and their `authId` in the read
    allowlist of the rollout flags. `NotFound` (404) when the caller has no account.
    Returns the number of documents deleted per collection."""
    user = await require_user_document(caller)
    user_id: ObjectId = user["_id"]
    database = User.get_pymongo_collection().database

    async def work(session: Session) -> Counter[str]:
        deleted: Counter[str] = Counter()
        profile_ids: list[ObjectId] = []
        for collection in (Dancer.get_pymongo_collection(), Choreographer.get_pymongo_collection()):
            async for profile in collection.find({"userId": user_id}, {"_id": 1}, session=session):
                profile_ids.append(profile["_id"])
            result = await collection.delete_many({"userId": user_id}, session=session)
            deleted[collection.name] = result.deleted_count
        owned = {"$or": [{"userId": user_id}, {"profileId": {"$in": profile_ids}}]}
        for collection in (Project.get_pymongo_collection(), Training.get_pymongo_collection()):
            result = await collection.delete_many(owned, session=session)
            deleted[collection.name] = result.deleted_count
        issues = database[migration_collections.ISSUES]
        result = await issues.delete_many({"userId": user_id}, session=session)
        deleted[issues.name] = result.deleted_count
        backup = database[migration_collections.LEGACY_BACKUP]
        result = await backup.delete_many({"_id": user_id}, session=session)
        deleted[backup.name] = result.deleted_count
        await database[FLAGS_COLLECTION].update_many(
            {"readAllowlist": caller.auth_id},
            {"$pull": {"readAllowlist": caller.auth_id}},
            session=session,
        )
        result = await User.get_pymongo_collection().delete_one({"_id": user_id}, session=session)
        deleted[User.Settings.name] = result.deleted_count
        return deleted

    deleted = await run_in_transaction(work)
    forget_account(caller.auth_id)
    return deleted

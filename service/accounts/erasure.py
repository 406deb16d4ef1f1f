"""Erasing an account: everything the service keeps about a person, in one transaction.

Each collection that holds something of a person (`documents.collections.PERSON_DATA`)
has one step here; the steps run in order in one transaction (the profiles first: the
records are found by their ids too; the account last).
"""

from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bson import ObjectId
from pymongo.asynchronous.database import AsyncDatabase

from documents import User
from documents.collections import (
    CHOREOGRAPHERS,
    DANCERS,
    FEATURE_FLAGS,
    LEGACY_BACKUP,
    MIGRATION_ISSUES,
    MIGRATION_UNDO,
    PROJECTS,
    TRAINING,
    USERS,
)
from service.accounts.ids import forget_account
from service.accounts.lookup import require_user_document
from service.platform.caller import Caller
from service.platform.db import MongoDocument, Session
from service.platform.transactions import run_in_transaction


@dataclass
class _Erasure:
    """One person's erasure as it runs: whom, in which transaction, what was deleted."""

    database: AsyncDatabase[MongoDocument]
    session: Session
    user_id: ObjectId
    auth_id: str
    profile_ids: list[ObjectId] = field(default_factory=list)
    deleted: Counter[str] = field(default_factory=Counter)


async def _profiles(erasure: _Erasure, collection: str) -> None:
    profiles = erasure.database[collection]
    query = {"userId": erasure.user_id}
    async for profile in profiles.find(query, {"_id": 1}, session=erasure.session):
        erasure.profile_ids.append(profile["_id"])
    result = await profiles.delete_many(query, session=erasure.session)
    erasure.deleted[collection] = result.deleted_count


async def _records(erasure: _Erasure, collection: str) -> None:
    owned = {"$or": [{"userId": erasure.user_id}, {"profileId": {"$in": erasure.profile_ids}}]}
    result = await erasure.database[collection].delete_many(owned, session=erasure.session)
    erasure.deleted[collection] = result.deleted_count


def _delete_where(key: str) -> Callable[[_Erasure, str], Awaitable[None]]:
    """A step deleting the documents whose `key` is the user's id."""

    async def step(erasure: _Erasure, collection: str) -> None:
        query = {key: erasure.user_id}
        result = await erasure.database[collection].delete_many(query, session=erasure.session)
        erasure.deleted[collection] = result.deleted_count

    return step


async def _from_allowlist(erasure: _Erasure, collection: str) -> None:
    await erasure.database[collection].update_many(
        {"readAllowlist": erasure.auth_id},
        {"$pull": {"readAllowlist": erasure.auth_id}},
        session=erasure.session,
    )


STEPS: tuple[tuple[str, Callable[[_Erasure, str], Awaitable[None]]], ...] = (
    (DANCERS, _profiles),
    (CHOREOGRAPHERS, _profiles),
    (PROJECTS, _records),
    (TRAINING, _records),
    (MIGRATION_ISSUES, _delete_where("userId")),
    (LEGACY_BACKUP, _delete_where("_id")),
    (MIGRATION_UNDO, _delete_where("userId")),
    (FEATURE_FLAGS, _from_allowlist),
    (USERS, _delete_where("_id")),
)
"""What erasure does in each collection of `PERSON_DATA`, in order."""


async def erase_account(caller: Caller) -> Counter[str]:
    """Delete the caller's account and everything of the person, atomically: the user
    document (with the legacy profile fields dual write keeps on it), both profiles
    (their embedded sections go with them), their project and training records, their
    migration issue records and legacy backup, and their `authId` in the read
    allowlist of the rollout flags. `NotFound` (404) when the caller has no account.
    Returns the number of documents deleted per collection."""
    user = await require_user_document(caller)
    database = User.get_pymongo_collection().database

    async def work(session: Session) -> Counter[str]:
        erasure = _Erasure(database, session, user["_id"], caller.auth_id)
        for collection, step in STEPS:
            await step(erasure, collection)
        return erasure.deleted

    deleted = await run_in_transaction(work)
    forget_account(caller.auth_id)
    return deleted

"""The migration lock: one runner at a time, with heartbeat, expiry and a fencing token.

The lock is one document `{_id: "migrations", owner, token, acquiredAt, heartbeatAt,
expiresAt}`. Taking it increments `token`. Every batch writes the lock document with a
filter on this runner's token inside the batch's transaction (`fence`), so a stalled
former holder whose lock was taken over can never commit another batch.
"""

import asyncio
import contextlib
import os
import socket
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from bson import Binary
from pymongo import ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError, PyMongoError

from documents.clock import utc_now
from migrations import collections as names
from migrations.errors import LockHeldError, LockLostError

RELEASE_ATTEMPTS = 3
"""Tries to free the lock before leaving it to expire."""
LOCK_ID = "migrations"
DEFAULT_TTL_SECONDS = 60.0


now = utc_now
"""The runner's clock, the scripts' too (`from migrations.lock import now`)."""


def default_owner() -> str:
    """host:pid:random, so an operator can tell who holds the lock."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class MigrationLock:
    """The lock as held by one runner."""

    def __init__(
        self,
        db: AsyncDatabase[dict[str, Any]],
        owner: str | None = None,
        ttl: float = DEFAULT_TTL_SECONDS,
    ) -> None:
        self.collection = db[names.LOCK]
        self.owner = owner or default_owner()
        self.ttl = ttl
        self.token: int | None = None
        self._heartbeat: asyncio.Task[None] | None = None
        self.lost = False

    async def acquire(self, wait_seconds: float = 0.0, lsid: Any = None) -> int:
        """Take the lock (waiting up to `wait_seconds` for it), start the heartbeat and
        return the fencing token; `LockHeldError` when another runner keeps it."""
        deadline = asyncio.get_running_loop().time() + wait_seconds
        while True:
            try:
                return await self._try_acquire(lsid)
            except LockHeldError:
                if asyncio.get_running_loop().time() >= deadline:
                    raise
                await asyncio.sleep(min(1.0, max(0.05, self.ttl / 10)))

    async def _try_acquire(self, lsid: Any) -> int:
        moment = now()
        try:
            previous = await self.collection.find_one_and_update(
                {"_id": LOCK_ID, "$or": [{"expiresAt": {"$lt": moment}}, {"owner": None}]},
                {
                    "$set": {
                        "owner": self.owner,
                        "acquiredAt": moment,
                        "heartbeatAt": moment,
                        "expiresAt": moment + timedelta(seconds=self.ttl),
                        "lsid": lsid,
                    },
                    "$inc": {"token": 1},
                },
                upsert=True,
                return_document=ReturnDocument.BEFORE,
            )
        except DuplicateKeyError:
            current = await self.collection.find_one({"_id": LOCK_ID}) or {}
            raise LockHeldError(
                f"the migration lock is held by {current.get('owner')} until"
                f" {current.get('expiresAt')} (use --wait SECONDS to wait for it)"
            ) from None
        self.token = int((previous or {}).get("token", 0)) + 1
        if previous and previous.get("owner") and previous.get("lsid"):
            # The former holder died or stalled: abort the transaction it may have left
            # open, instead of waiting for the server to reap it.
            with contextlib.suppress(PyMongoError, ValueError, TypeError):
                await self.collection.database.client.admin.command(
                    {"killSessions": [_as_binary_lsid(previous["lsid"])]}
                )
        self._heartbeat = asyncio.create_task(self._beat())
        return self.token

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(self.ttl / 4)
            moment = now()
            try:
                result = await self.collection.update_one(
                    {"_id": LOCK_ID, "token": self.token, "owner": self.owner},
                    {
                        "$set": {
                            "heartbeatAt": moment,
                            "expiresAt": moment + timedelta(seconds=self.ttl),
                        }
                    },
                )
            except PyMongoError:
                continue  # the next beat retries; expiry protects the others meanwhile
            if result.matched_count == 0:
                self.lost = True
                return

    async def fence(self, session: AsyncClientSession | None) -> None:
        """Inside a batch's transaction: `LockLostError` unless this runner still holds
        the lock. The write makes a concurrent takeover conflict with the batch."""
        result = await self.collection.update_one(
            {"_id": LOCK_ID, "token": self.token, "owner": self.owner},
            {"$set": {"fencedAt": now()}},
            session=session,
        )
        if result.matched_count == 0:
            self.lost = True
            raise LockLostError(
                f"the migration lock (token {self.token}) was taken over by another runner;"
                " this runner stopped without writing"
            )

    async def release(self) -> None:
        """Stop the heartbeat and free the lock (if still ours)."""
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._heartbeat
            self._heartbeat = None
        if self.token is not None:
            # a few tries: a run that stopped on a database error should not leave the
            # lock to expire when a moment later the database answers again
            for attempt in range(RELEASE_ATTEMPTS):
                try:
                    await self.collection.update_one(
                        {"_id": LOCK_ID, "token": self.token, "owner": self.owner},
                        {"$set": {"owner": None, "expiresAt": now()}},
                    )
                    break
                except PyMongoError:
                    if attempt < RELEASE_ATTEMPTS - 1:
                        await asyncio.sleep(0.1 * (attempt + 1))
            self.token = None


def _as_binary_lsid(lsid: Any) -> dict[str, Any]:
    """A stored session id, as the `killSessions` command takes it."""
    value = lsid.get("id") if isinstance(lsid, dict) else None
    if isinstance(value, uuid.UUID):
        value = Binary.from_uuid(value)
    return {"id": value}


async def lock_status(db: AsyncDatabase[dict[str, Any]]) -> dict[str, Any] | None:
    """The lock document when some runner holds an unexpired lock, else None."""
    current = await db[names.LOCK].find_one({"_id": LOCK_ID})
    if not current or current.get("owner") is None:
        return None
    expires = current.get("expiresAt")
    if isinstance(expires, datetime) and expires.replace(tzinfo=expires.tzinfo or UTC) < now():
        return None
    return current

"""The migration lock: one runner at a time, with heartbeat, expiry and a fencing token.

The lock is one document `{_id: "migrations", owner, token, lsid, acquiredAt,
heartbeatAt, expiresAt}`. Taking it increments `token`. Every batch writes the lock
document, first thing in the batch's transaction, with a filter on this runner's token
(`fence`), so a stalled former holder whose lock was taken over can never commit another
batch; the fence also moves the expiry on, and the heartbeat beats only between batches
(`exclusive`), so it never conflicts with one.

Time is the server's: expiry is written as `$$NOW` plus the TTL and judged against the
server's own clock (`hello.localTime`), so runners on machines whose clocks disagree
agree on who holds the lock. A runner that finds the lock expired first ends the dead
holder's session on the server (`killSessions` on the `lsid` it recorded), which aborts
the transaction it may have left open on the lock document, and only then takes it: it
never waits for the server to reap that transaction.
"""

import asyncio
import contextlib
import os
import socket
import uuid
from datetime import datetime
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
        self._quiet = asyncio.Lock()
        self.lost = False
        self.took_over_from: str | None = None
        """The owner of the expired lock this runner took over, if it did."""

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
        current = await self.collection.find_one({"_id": LOCK_ID})
        server_now = await server_time(self.collection.database)
        if current is not None and _held(current, server_now):
            raise LockHeldError(
                f"the migration lock is held by {current.get('owner')} until"
                f" {current.get('expiresAt')} (use --wait SECONDS to wait for it)"
            )
        if current is not None and current.get("owner") and current.get("lsid"):
            # the former holder died or stalled: end its session first, which aborts the
            # transaction it may have left open on the lock document (taking the lock
            # would otherwise wait behind it until the server reaps it)
            with contextlib.suppress(PyMongoError, ValueError, TypeError):
                await self.collection.database.client.admin.command(
                    {"killSessions": [_as_binary_lsid(current["lsid"])]}
                )
            self.took_over_from = str(current.get("owner"))
        # taken only as it was judged: free, or expired with the same token
        expected: dict[str, Any] = {"_id": LOCK_ID, "token": (current or {}).get("token")}
        if current is not None and current.get("owner") is not None:
            expected["expiresAt"] = {"$lt": server_now}
        try:
            taken = await self.collection.find_one_and_update(
                expected,
                [
                    {
                        "$set": {
                            "owner": self.owner,
                            "acquiredAt": "$$NOW",
                            "heartbeatAt": "$$NOW",
                            "expiresAt": {"$add": ["$$NOW", self._ttl_ms]},
                            "lsid": {"$literal": lsid},
                            "token": {"$add": [{"$ifNull": ["$token", 0]}, 1]},
                        }
                    }
                ],
                upsert=True,
                return_document=ReturnDocument.AFTER,
            )
        except DuplicateKeyError:
            taken = None  # another runner took it between the read and the write
        if taken is None:
            raise LockHeldError("the migration lock was just taken by another runner")
        self.token = int(taken["token"])
        self._heartbeat = asyncio.create_task(self._beat())
        return self.token

    @property
    def _ttl_ms(self) -> int:
        return max(1, int(self.ttl * 1000))

    def _moved_on(self) -> list[dict[str, Any]]:
        """The update that moves the expiry on, by the server's clock."""
        return [
            {
                "$set": {
                    "heartbeatAt": "$$NOW",
                    "expiresAt": {"$add": ["$$NOW", self._ttl_ms]},
                }
            }
        ]

    def exclusive(self) -> asyncio.Lock:
        """Held by a batch for as long as its transaction runs: the heartbeat waits for
        it (the batch's own fence moved the expiry on when it began)."""
        return self._quiet

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(self.ttl / 4)
            try:
                async with self._quiet:
                    result = await self.collection.update_one(
                        {"_id": LOCK_ID, "token": self.token, "owner": self.owner},
                        self._moved_on(),
                    )
            except PyMongoError:
                continue  # the next beat retries; expiry protects the others meanwhile
            if result.matched_count == 0:
                self.lost = True
                return

    async def fence(self, session: AsyncClientSession | None) -> None:
        """First thing in a batch's transaction: `LockLostError` unless this runner still
        holds the lock; the expiry moves on. The write makes a takeover conflict with the
        batch (and the taker ends this runner's session before it takes the lock)."""
        result = await self.collection.update_one(
            {"_id": LOCK_ID, "token": self.token, "owner": self.owner},
            self._moved_on(),
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
                        [{"$set": {"owner": None, "expiresAt": "$$NOW"}}],
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


async def server_time(db: AsyncDatabase[dict[str, Any]]) -> datetime:
    """The server's clock (`hello.localTime`), as stored dates are: naive UTC."""
    hello = await db.client.admin.command("hello")
    local = hello["localTime"]
    return local.replace(tzinfo=None) if isinstance(local, datetime) else now()


def _held(current: dict[str, Any], server_now: datetime) -> bool:
    """True when `current` names an owner whose lock has not expired by `server_now`."""
    expires = current.get("expiresAt")
    if current.get("owner") is None or not isinstance(expires, datetime):
        return False
    return expires.replace(tzinfo=None) >= server_now


async def lock_status(db: AsyncDatabase[dict[str, Any]]) -> dict[str, Any] | None:
    """The lock document when some runner holds an unexpired lock (by the server's
    clock), else None."""
    current = await db[names.LOCK].find_one({"_id": LOCK_ID})
    if current is None or not _held(current, await server_time(db)):
        return None
    return current

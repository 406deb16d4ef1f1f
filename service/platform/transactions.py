"""Running a unit of work in a MongoDB transaction, with clean failures."""

import asyncio
import contextvars
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pymongo
from pymongo import ReadPreference, WriteConcern
from pymongo.asynchronous.mongo_client import AsyncMongoClient
from pymongo.errors import ConnectionFailure, OperationFailure, PyMongoError
from pymongo.read_concern import ReadConcern

from service.platform.db import MongoDocument, Session, bound_client
from service.platform.errors import ConcurrentChange, Unavailable

T = TypeVar("T")
logger = logging.getLogger("profiles.transactions")

WRITE_CONFLICT = 112

TRANSACTION_OPTIONS: dict[str, Any] = {
    "read_concern": ReadConcern("snapshot"),
    "write_concern": WriteConcern("majority"),
    "read_preference": ReadPreference.PRIMARY,
}
"""Every transaction's options, whatever the URL says: its reads from one snapshot, its
commit acknowledged by a majority of the replica set (a write a failover cannot roll
back), on the primary."""

UNAVAILABLE_CODES = frozenset(
    {6, 7, 50, 89, 91, 134, 189, 262, 9001, 10058, 10107, 11600, 11602, 13435, 13436}
)
"""Server error codes that mean "not now": host unreachable or not found, time limit
exceeded, network timeout, shutting down, stepped down, not primary, node recovering,
read concern majority unavailable, socket exception (PyMongo's retryable codes and 50)."""


def is_unavailable(error: PyMongoError) -> bool:
    """True for a database error that a retry a moment later may cure and that no
    concurrent writer caused: a network error or timeout, a retryable write error, or a
    shutdown / step-down / not-primary / time-limit code."""
    if isinstance(error, ConnectionFailure) or error.timeout:
        return True
    if error.has_error_label("RetryableWriteError"):
        return True
    return isinstance(error, OperationFailure) and error.code in UNAVAILABLE_CODES


def is_write_conflict(error: PyMongoError) -> bool:
    """True for errors a concurrent writer caused (and a retry may cure)."""
    if error.has_error_label("TransientTransactionError"):
        return True
    return isinstance(error, OperationFailure) and error.code == WRITE_CONFLICT


async def run_in_transaction(work: Callable[[Session], Awaitable[T]]) -> T:
    """Run `work(session)` in a transaction and return its result.

    PyMongo's `with_transaction` retries transient errors (write conflicts among them)
    and unknown commit results within the client's timeout. What still fails becomes
    `Conflict` (409: concurrent writers) or `Unavailable` (503: the database did not
    answer); a `ServiceError` raised by `work` aborts the transaction and propagates.
    A transaction the deadline cut is ended on the server at once (`end_on_server`).
    """
    client = bound_client()
    try:
        async with client.start_session() as session:
            try:
                return await session.with_transaction(work, **TRANSACTION_OPTIONS)
            except PyMongoError as error:
                if error.timeout:
                    end_on_server(client, session)
                raise
    except PyMongoError as error:
        if is_unavailable(error):
            raise Unavailable("the database did not answer; try again shortly") from error
        if is_write_conflict(error):
            raise ConcurrentChange(
                "the profile was changed by a concurrent request; read it again and retry"
            ) from error
        raise


END_SECONDS = 2.0
"""How long ending a timed-out transaction on the server may take."""
_ending: set[asyncio.Task[None]] = set()
"""Kills under way (a task the loop only references weakly must be held somewhere)."""


def end_on_server(client: AsyncMongoClient[MongoDocument], session: Session) -> None:
    """End what the server still holds of `session` (its open transaction, its running
    commands) with `killSessions`, in the background. When a request's deadline passes
    mid-transaction the client can no longer send `abortTransaction` (it would be past
    the deadline too), and the server keeps the transaction, and the documents it wrote,
    until it reaps it: 60 s on mongod, longer on the embedded server, every writer of
    those documents waiting. The kill runs outside the request's deadline (a fresh
    context), bounded on its own, and the request answers without waiting for it."""
    session_id = session.session_id

    async def kill() -> None:
        try:
            with pymongo.timeout(END_SECONDS):
                await client.admin.command({"killSessions": [session_id]})
        except PyMongoError as error:
            logger.warning("could not end a timed-out transaction: %s", type(error).__name__)

    task = asyncio.create_task(kill(), context=contextvars.Context())
    _ending.add(task)
    task.add_done_callback(_ending.discard)

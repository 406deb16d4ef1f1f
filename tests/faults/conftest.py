"""Fault injection: `failCommand` failpoints on the test server, armed for a block and
always switched off afterwards; every fault armed and fired is counted for the summary.

The server must run with `--enable-test-commands` (the session fixture starts it so).
A failpoint is server-wide: these tests must not run in parallel with other tests on the
same server.
"""

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import PyMongoError

from service.platform.config import Settings
from service.platform.db import MongoDocument, create_client
from tests.fault_tally import TALLY

POLLING_MONITOR = "serverMonitoringMode=poll&heartbeatFrequencyMS=500"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The app's client polls the server every half second instead of streaming: after a
    state-change error (not primary, shutting down) PyMongo waits for its monitor's next
    look at the server, and the embedded server does not end a streaming `hello` early
    as mongod does, so that wait was 10 s per fault. URI options, as an operator would
    give them in `PROFILES_MONGODB_URL`."""
    assert settings.mongodb_url
    joiner = "&" if "?" in settings.mongodb_url else "/?"
    url = settings.mongodb_url.rstrip("/") if joiner == "/?" else settings.mongodb_url
    return settings.model_copy(update={"mongodb_url": f"{url}{joiner}{POLLING_MONITOR}"})


PROBE = "fault_probe"


async def _probe(db: AsyncDatabase[MongoDocument], command: str) -> None:
    """One harmless command named `command` (so that it matches the failpoint)."""
    if command == "insert":
        await db.command({"insert": PROBE, "documents": [{}]})
    elif command == "update":
        await db.command({"update": PROBE, "updates": [{"q": {"_id": 0}, "u": {"$set": {"n": 1}}}]})
    elif command == "findAndModify":
        await db.command(
            {"findAndModify": PROBE, "query": {"_id": 0}, "update": {"$set": {"n": 1}}}
        )
    elif command == "delete":
        await db.command({"delete": PROBE, "deletes": [{"q": {"_id": 0}, "limit": 1}]})
    else:
        await db.command({command: PROBE, "filter": {"_id": 0}})


class Faults:
    """Arms `failCommand` on the server for the length of a block."""

    def __init__(self, client: AsyncMongoClient[MongoDocument], db_name: str) -> None:
        self.client = client
        self.db = client[db_name]

    @asynccontextmanager
    async def failing(
        self, commands: Sequence[str], times: int, **data: Any
    ) -> AsyncIterator[None]:
        """Fail the next `times` of `commands` as `data` says (`errorCode`,
        `closeConnection`, `errorLabels`, `blockConnection` + `blockTimeMS`) in the block;
        afterwards count how many fired and switch the failpoint off, whatever happened."""
        await self.client.admin.command(
            {
                "configureFailPoint": "failCommand",
                "mode": {"times": times},
                "data": {"failCommands": list(commands), **data},
            }
        )
        kind = (
            "closeConnection"
            if data.get("closeConnection")
            else f"errorCode {data['errorCode']}"
            if "errorCode" in data
            else "blockConnection"
        )
        try:
            yield
        finally:
            unused = 0
            if not data.get("blockConnection"):
                # what is left of `times` fails the probes; stop at the first that passes
                while unused < times:
                    try:
                        await _probe(self.db, commands[0])
                        break
                    except PyMongoError:
                        unused += 1
            await self.client.admin.command({"configureFailPoint": "failCommand", "mode": "off"})
            fired = times - unused
            TALLY.armed += times
            TALLY.fired += fired
            TALLY.failpoints += 1
            TALLY.by_kind[kind] = TALLY.by_kind.get(kind, 0) + fired


@pytest.fixture
async def faults(settings: Settings) -> AsyncIterator[Faults]:
    """A fault injector with a client of its own (so that the app's pool is untouched)."""
    assert settings.mongodb_url
    client: AsyncMongoClient[MongoDocument] = AsyncMongoClient(
        settings.mongodb_url,
        serverSelectionTimeoutMS=5000,
        retryWrites=False,  # a probe must consume exactly one armed fault
        retryReads=False,
    )
    try:
        yield Faults(client, settings.db_name)
    finally:
        try:
            await client.admin.command({"configureFailPoint": "failCommand", "mode": "off"})
        finally:
            await client.close()


@pytest.fixture
async def legacy_db(settings: Settings) -> AsyncIterator[AsyncDatabase[MongoDocument]]:
    """A database of this test's own, nothing applied; dropped afterwards."""
    assert settings.mongodb_url
    client: AsyncMongoClient[MongoDocument] = create_client(settings.mongodb_url, 5000)
    try:
        yield client[settings.db_name]
    finally:
        await client.drop_database(settings.db_name)
        await client.close()

"""Helpers of the deadline and cancellation tests: the app's own failpoints, and the
commands its client sends.

Failpoints here name the app's client (`appName` in its URL, as an operator would set
it), so only the app under test is slowed or failed: the test's own clients keep
working, and can always switch the failpoint off again.
"""

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from pymongo import AsyncMongoClient, monitoring

from service.platform.config import Settings
from service.platform.db import MongoDocument
from tests.helpers import again_after_a_dropped_connection

APP_NAME = "profiles-under-deadline-test"


def app_settings(settings: Settings, **changes: Any) -> Settings:
    """`settings` whose database URL names the app's client `APP_NAME`, with `changes`."""
    assert settings.mongodb_url
    url = settings.mongodb_url
    joiner = "&" if "?" in url else ("?" if url.endswith("/") else "/?")
    named = f"{url}{joiner}appName={APP_NAME}"
    return settings.model_copy(update={"mongodb_url": named, **changes})


@asynccontextmanager
async def app_failpoint(
    client: AsyncMongoClient[MongoDocument], mode: Any, **data: Any
) -> AsyncIterator[None]:
    """`failCommand` with `data` for the app's client only, in `mode` (`"alwaysOn"`,
    `{"times": N}`), for the length of the block; always switched off afterwards."""
    await client.admin.command(
        {"configureFailPoint": "failCommand", "mode": mode, "data": {**data, "appName": APP_NAME}}
    )
    try:
        yield
    finally:
        await again_after_a_dropped_connection(
            lambda: client.admin.command({"configureFailPoint": "failCommand", "mode": "off"})
        )


def app_command_held(
    client: AsyncMongoClient[MongoDocument], command: str, milliseconds: int, mode: Any = None
) -> AbstractAsyncContextManager[None]:
    """The app's `command` held `milliseconds` before it is answered, once (or in
    `mode`), for the length of the block."""
    return app_failpoint(
        client,
        {"times": 1} if mode is None else mode,
        failCommands=[command],
        blockConnection=True,
        blockTimeMS=milliseconds,
    )


TRANSACTION_ENDS = frozenset({"commitTransaction", "abortTransaction"})
"""Commands of a transaction sent to `admin`, not to the transaction's database."""


class CommandRecorder(monitoring.CommandListener):
    """The commands started on one database (`database`; None: none recorded) and the
    ends of transactions, each with the monotonic time it was sent."""

    def __init__(self) -> None:
        self.database: str | None = None
        self.commands: list[tuple[float, str, MongoDocument]] = []
        self._waiters: list[tuple[str, asyncio.AbstractEventLoop, asyncio.Event]] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if self.database is None:
            return
        if event.database_name == self.database or event.command_name in TRANSACTION_ENDS:
            self.commands.append((time.monotonic(), event.command_name, dict(event.command)))
            for name, loop, waiter in self._waiters:
                if name == event.command_name:  # the app may run in another thread's loop
                    loop.call_soon_threadsafe(waiter.set)

    async def sent(self, name: str) -> None:
        """Return once a command `name` has been recorded."""
        waiter = asyncio.Event()
        self._waiters.append((name, asyncio.get_running_loop(), waiter))
        try:
            if name not in self.names():
                await waiter.wait()
        finally:
            self._waiters = [w for w in self._waiters if w[2] is not waiter]

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass

    def names(self) -> list[str]:
        """The names of the commands recorded, in order."""
        return [name for _, name, _ in self.commands]


_RECORDER = CommandRecorder()
_registered = False


def command_recorder(database: str) -> CommandRecorder:
    """The process's recorder, recording the commands on `database` from now on.

    PyMongo gives a listener registered with `monitoring.register` to every client made
    afterwards and has no way to take it back, so the recorder is registered once per
    process and records only the database a test names (apps made before the first call
    report nothing)."""
    global _registered
    if not _registered:
        monitoring.register(_RECORDER)
        _registered = True
    _RECORDER.database = database
    _RECORDER.commands = []
    _RECORDER._waiters = []
    return _RECORDER


def stop_recording() -> None:
    """Record nothing until the next `command_recorder`."""
    _RECORDER.database = None
    _RECORDER.commands = []

"""Readiness: the database answers and no non-destructive migration is pending."""

import pymongo

from migrations.runner import Runner
from migrations.scripts import Script, discover
from service.db import Database
from service.errors import Unavailable

_SCRIPTS: list[Script] = []


async def check_ready(database: Database, timeout_seconds: float | None = None) -> None:
    """`Unavailable` unless the database answers and every non-destructive migration is
    applied (the destructive one is, by design, applied later by an operator); within
    `timeout_seconds` (default: the client's server selection timeout, so that a probe
    answers 503 in seconds when the database is down)."""
    if not _SCRIPTS:
        _SCRIPTS.extend(discover())
    if timeout_seconds is None:
        timeout_seconds = database.client.options.server_selection_timeout
    try:
        with pymongo.timeout(timeout_seconds):
            await database.ping()
            pending = await Runner(database.database, _SCRIPTS).pending()
    except Exception as error:  # any failure to answer means not ready
        raise Unavailable(f"the database does not answer ({type(error).__name__})") from error
    if pending:
        versions = ", ".join(f"{version:04d}" for version in pending)
        raise Unavailable(
            f"migrations pending: {versions}; run `profiles migrate up` (the deploy job does)",
            extra={"pendingMigrations": pending},
        )

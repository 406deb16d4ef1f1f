"""Readiness: the database answers and every migration this release needs is applied.

Which migrations a release knows and needs is listed once, when the process starts, by
whoever composes it (`profiles serve` lists the scripts); a check then costs a ping and
one read of the migration state, whatever the number of scripts.
"""

from collections.abc import Iterable
from dataclasses import dataclass

import pymongo

from documents.collections import MIGRATION_STATE
from service.platform.db import Database
from service.platform.errors import Unavailable


@dataclass(frozen=True)
class ExpectedMigrations:
    """The migration versions this release knows, and those it needs applied before it
    serves: every non-destructive one (the destructive one is, by design, applied later
    by an operator)."""

    known: tuple[int, ...]
    required: tuple[int, ...]

    @classmethod
    def of(cls, scripts: Iterable[tuple[int, bool]]) -> "ExpectedMigrations":
        """From (version, destructive) pairs."""
        listed = sorted(scripts)
        return cls(
            known=tuple(version for version, _ in listed),
            required=tuple(version for version, destructive in listed if not destructive),
        )


async def applied_migrations(database: Database) -> set[int]:
    """The versions the migration state records as applied."""
    found = database.database[MIGRATION_STATE].find({"status": "applied"}, {"_id": 1})
    return {state["_id"] async for state in found}


async def check_ready(
    database: Database, expected: ExpectedMigrations, timeout_seconds: float | None = None
) -> None:
    """`Unavailable` unless the database answers and every migration of
    `expected.required` is applied; within `timeout_seconds` (default: the client's server
    selection timeout, so that a probe answers 503 in seconds when the database is down)."""
    if timeout_seconds is None:
        timeout_seconds = database.client.options.server_selection_timeout
    try:
        with pymongo.timeout(timeout_seconds):
            await database.ping()
            applied = await applied_migrations(database)
    except Exception as error:  # any failure to answer means not ready
        raise Unavailable(f"the database does not answer ({type(error).__name__})") from error
    pending = [version for version in expected.required if version not in applied]
    if pending:
        versions = ", ".join(f"{version:04d}" for version in pending)
        raise Unavailable(
            f"migrations pending: {versions}; run `profiles migrate up` (the deploy job does)",
            extra={"pendingMigrations": pending},
        )

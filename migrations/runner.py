"""The runner: status, up, down, and what is pending.

State lives in `migration_state`, one document per script: version, name, checksum,
rules digest, status (`running`, `rolling back`, `partial`, `applied`; `status` shows a
running one whose runner no longer holds the lock as `interrupted`), applied time,
duration, stats and the batch checkpoints. A changed checksum of an applied script is
reported by `status` and stops `up`; a changed rules digest (a module it imports
changed) is a warning in `status`.
"""

import contextlib
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import PyMongoError

from migrations import collections as names
from migrations.context import (
    RECORDED,
    TRANSACTION_OPTIONS,
    MigrationContext,
    server_has_transactions,
)
from migrations.derive import derive_stale
from migrations.errors import MigrationError
from migrations.lock import DEFAULT_TTL_SECONDS, MigrationLock, lock_status, now
from migrations.report import LineReport, Report
from migrations.scripts import Script, discover

Document = dict[str, Any]
Say = Callable[[str], None]
NO_TRANSACTIONS = (
    "the database runs no transactions (a standalone server): migrations need a replica set"
    " or a sharded cluster (a one-node replica set will do); `status`, `verify` and"
    " `up --dry-run` work without"
)
UNFINISHED = ("running", "rolling back")
"""States a script is in only while a runner holds the lock: without one, it was
interrupted."""


def _say_takeover(lock: MigrationLock, report: Report) -> None:
    if lock.took_over_from is not None:
        report.note(
            f"took over the migration lock from {lock.took_over_from} (expired: that runner"
            " died or stalled); its session was ended on the server first"
        )


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


@dataclass
class RunOptions:
    """Options of `up` and `down`."""

    to: int | None = None
    dry_run: bool = False
    batch_size: int = 500
    limit: int | None = None
    allow_destructive: bool = False
    force: bool = False
    wait_seconds: float = 0.0
    lock_ttl: float = DEFAULT_TTL_SECONDS
    owner: str | None = None
    say: Say = field(default=_stderr)
    report: Report | None = None
    """How the run is told (default: one line per script through `say`)."""

    def reporter(self) -> Report:
        return self.report if self.report is not None else LineReport(self.say)


@dataclass(frozen=True)
class ScriptStatus:
    """One line of `status`."""

    script: Script
    state: str  # applied / partial / running / rolling back / interrupted / pending / blocked
    applied_at: datetime | None
    checksum_ok: bool
    detail: str = ""
    rules_ok: bool = True
    """False when a module the script imports changed since it was applied."""
    recorded: dict[str, int] = field(default_factory=dict)
    """Issue records its runs stored, per rule (from its state: no rescan)."""


class Runner:
    """Runs the scripts of `migrations/versions` against one database."""

    def __init__(self, db: AsyncDatabase[Document], scripts: list[Script] | None = None) -> None:
        self.db = db
        self.scripts = scripts if scripts is not None else discover()

    async def _states(self) -> dict[int, Document]:
        return {state["_id"]: state async for state in self.db[names.STATE].find({})}

    async def _transactions(self) -> bool:
        """True when the server runs transactions; `MigrationError` otherwise: every
        batch commits its writes and its checkpoint in one, and a run without them could
        leave half a batch behind a crash."""
        hello = await self.db.client.admin.command("hello")
        if not server_has_transactions(hello):
            raise MigrationError(NO_TRANSACTIONS)
        return True

    async def status(self) -> list[ScriptStatus]:
        """Every known script and its state."""
        states = await self._states()
        running = await lock_status(self.db) is not None
        lines: list[ScriptStatus] = []
        blocked = False
        for script in self.scripts:
            state = states.get(script.version)
            checksum_ok = state is None or script.applied_as_is(state.get("checksum"))
            if state is None:
                label = "blocked" if blocked else "pending"
                detail = "destructive: needs --allow-destructive" if script.destructive else ""
            else:
                label = state.get("status", "applied")
                if label in UNFINISHED and not running:
                    label = "interrupted"  # its runner died: `up` (or `down`) resumes it
                detail = (
                    f"{state.get('processed', 0)} of {state.get('total', 0)}"
                    if label in ("partial", "interrupted")
                    else ""
                )
            recorded_rules = (state or {}).get("rulesDigest")
            rules_ok = recorded_rules is None or recorded_rules == script.rules
            if not rules_ok:
                detail = "rules changed since applied (a module it imports changed)"
            if not checksum_ok:
                detail = "CHECKSUM CHANGED since it was applied"
                blocked = True
            applied_at = state.get("appliedAt") if state else None
            stats = (state or {}).get("stats") or {}
            recorded = {
                key.removeprefix(RECORDED): value
                for key, value in stats.items()
                if key.startswith(RECORDED) and value
            }
            lines.append(
                ScriptStatus(script, label, applied_at, checksum_ok, detail, rules_ok, recorded)
            )
        return lines

    async def _record_missing_rules(self, states: dict[int, Document]) -> None:
        """Give applied scripts recorded before rules digests existed the digest of what
        they import now, so that a later change shows."""
        for script in self.scripts:
            state = states.get(script.version)
            if (
                state is None
                or "rulesDigest" in state
                or not script.applied_as_is(state.get("checksum"))
            ):
                continue
            await self.db[names.STATE].update_one(
                {"_id": script.version, "rulesDigest": {"$exists": False}},
                {"$set": {"rulesDigest": script.rules}},
            )

    async def pending(self, *, include_destructive: bool = False) -> list[int]:
        """Versions not yet applied (non-destructive ones only, unless asked)."""
        states = await self._states()
        return [
            s.version
            for s in self.scripts
            if states.get(s.version, {}).get("status") != "applied"
            and (include_destructive or not s.destructive)
        ]

    async def up(self, options: RunOptions) -> list[Document]:
        """Apply pending scripts in order; returns a summary per script run."""
        # a dry run writes nothing, so it needs no transactions
        transactions = False if options.dry_run else await self._transactions()
        states = await self._states()
        for script in self.scripts:
            state = states.get(script.version)
            if (
                state is not None
                and not script.applied_as_is(state.get("checksum"))
                and state.get("status") == "applied"
            ):
                raise MigrationError(
                    f"{script.label} changed since it was applied (checksum); restore it or"
                    " add a new version instead"
                )
        if not options.dry_run:
            await self._record_missing_rules(states)
        todo = [
            s
            for s in self.scripts
            if states.get(s.version, {}).get("status") != "applied"
            and (options.to is None or s.version <= options.to)
        ]
        if not todo:
            return []
        session = self.db.client.start_session()
        lock = None if options.dry_run else MigrationLock(self.db, options.owner, options.lock_ttl)
        report = options.reporter()
        if lock is not None:
            await lock.acquire(options.wait_seconds, session.session_id)
            _say_takeover(lock, report)
        summaries: list[Document] = []
        report.run_started("up --dry-run" if options.dry_run else "up", len(todo))
        derived = options.dry_run
        try:
            for script in todo:
                if script.derives and not derived:
                    # every profile to this release's rules first: the script then
                    # passes over them (a fresh database derives each profile once)
                    await derive_stale(self.db, batch_size=options.batch_size, report=report)
                    derived = True
                if script.destructive and not options.allow_destructive:
                    # it stays pending; later non-destructive scripts do not wait for it
                    report.script_finished(
                        script.version,
                        script.name,
                        "left pending (destructive: --allow-destructive)",
                        0,
                        {},
                    )
                    continue
                summary = await self._apply(script, options, lock, transactions, session, report)
                summaries.append(summary)
                if summary["status"] != "applied":
                    break
        except PyMongoError as error:
            # what PyMongo's retries did not cure (a write conflict with a live writer, a
            # server-side time limit, a step-down): every committed batch is checkpointed,
            # so the run stops cleanly and a re-run resumes
            raise MigrationError(
                f"the database failed ({type(error).__name__}: {error}); committed batches"
                " are kept: run `profiles migrate up` again to resume"
            ) from error
        finally:
            report.run_finished()
            if lock is not None:
                await lock.release()
            await session.end_session()
        return summaries

    async def _apply(
        self,
        script: Script,
        options: RunOptions,
        lock: MigrationLock | None,
        transactions: bool,
        session: AsyncClientSession,
        report: Report,
    ) -> Document:
        report.script_started(script.version, script.name)
        ctx = MigrationContext(
            self.db,
            version=script.version,
            lock=lock,
            transactions=transactions,
            dry_run=options.dry_run,
            batch_size=options.batch_size,
            limit=options.limit,
            report=report,
            session=session,
        )
        if script.precondition is not None:
            reason = await script.precondition(ctx)
            if reason:
                raise MigrationError(f"{script.label} cannot run: {reason}")
        started = time.monotonic()
        if not options.dry_run:
            await self.db[names.STATE].update_one(
                {"_id": script.version},
                {
                    "$set": {
                        "name": script.name,
                        "checksum": script.checksum,
                        "rulesDigest": script.rules,
                        "status": "running",
                    },
                    "$setOnInsert": {"startedAt": now()},
                },
                upsert=True,
            )
        await script.up(ctx)
        duration_ms = int((time.monotonic() - started) * 1000)
        status = "partial" if ctx.partial else "applied"
        if not options.dry_run:
            await self._finish(script, ctx, status, duration_ms)
        stats = {**ctx.stats, **ctx.recount}
        verb = "would change" if options.dry_run else status
        report.script_finished(script.version, script.name, verb, duration_ms, stats)
        return {
            "version": script.version,
            "status": status,
            "stats": stats,
            "durationMs": duration_ms,
        }

    async def _finish(
        self, script: Script, ctx: MigrationContext, status: str, duration_ms: int
    ) -> None:
        async def record(session: Any) -> None:
            if ctx.lock is not None:
                await ctx.lock.fence(session)
            update: Document = {
                "status": status,
                "processed": ctx.seen,
                "total": ctx.total,
                "durationMs": duration_ms,
            }
            if status == "applied":
                update["appliedAt"] = now()
            update.update({f"stats.{key}": value for key, value in ctx.recount.items()})
            await self.db[names.STATE].update_one(
                {"_id": script.version}, {"$set": update}, session=session
            )

        async with ctx.lock.exclusive() if ctx.lock is not None else contextlib.nullcontext():
            if ctx.transactions and ctx.session is not None:
                await ctx.session.with_transaction(record, **TRANSACTION_OPTIONS)
            else:
                await record(None)

    async def down(self, options: RunOptions) -> list[Document]:
        """Roll back applied scripts, newest first: the newest one, or all after `to`."""
        transactions = await self._transactions()
        states = await self._states()
        applied = [s for s in reversed(self.scripts) if s.version in states]
        todo = applied[:1] if options.to is None else [s for s in applied if s.version > options.to]
        if not todo:
            return []
        session = self.db.client.start_session()
        lock = MigrationLock(self.db, options.owner, options.lock_ttl)
        await lock.acquire(options.wait_seconds, session.session_id)
        report = options.reporter()
        _say_takeover(lock, report)
        summaries: list[Document] = []
        report.run_started("down", len(todo))
        try:
            for script in todo:
                report.script_started(script.version, script.name)
                ctx = MigrationContext(
                    self.db,
                    version=script.version,
                    lock=lock,
                    transactions=transactions,
                    batch_size=options.batch_size,
                    force=options.force,
                    report=report,
                    session=session,
                )
                started = time.monotonic()
                previous = states.get(script.version, {}).get("status")
                update: Document = {"$set": {"status": "rolling back"}}
                if previous != "rolling back":
                    update["$unset"] = {"checkpoints": ""}  # down resumes only its own
                await self.db[names.STATE].update_one({"_id": script.version}, update)
                await script.down(ctx)
                await self.db[names.STATE].delete_one({"_id": script.version})
                duration_ms = int((time.monotonic() - started) * 1000)
                report.script_finished(
                    script.version, script.name, "rolled back", duration_ms, dict(ctx.stats)
                )
                summaries.append({"version": script.version, "stats": dict(ctx.stats)})
        finally:
            report.run_finished()
            await lock.release()
            await session.end_session()
        return summaries

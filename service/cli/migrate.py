"""`profiles migrate ...`: status, up, down, verify, derive, prune, issues, new."""

import argparse
import asyncio
import json
import logging
import sys
from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import PyMongoError

from migrations.collections import ISSUES
from migrations.context import server_has_transactions
from migrations.derive import derive_stale
from migrations.errors import MigrationError
from migrations.lock import lock_status
from migrations.prune import DATE_FIELDS, prune
from migrations.report import JsonReport, LineReport, Report, TerminalReport
from migrations.runner import NO_TRANSACTIONS, Runner, RunOptions
from migrations.scripts import new_script
from migrations.verify import find_count_drift, find_mismatches, recount
from service.platform.config import Settings
from service.platform.db import connect, create_client
from service.rollout.repair import repair_mismatches

PENDING_EXIT = 3
"""`migrate status`'s exit code while a non-destructive migration is not applied."""


def add_migrate_parser(commands: Any) -> None:
    """Register `migrate` and its subcommands on the top-level parser."""
    migrate = commands.add_parser("migrate", help="versioned data migrations")
    actions = migrate.add_subparsers(dest="action", required=True)
    status = actions.add_parser(
        "status",
        help=f"every migration and its state (exit {PENDING_EXIT} while one is pending)",
        description="Every migration and its state, and the lock; exit 0 when every"
        f" non-destructive one is applied, {PENDING_EXIT} when one is not (a deploy gate).",
    )
    status.add_argument("--json", action="store_true", help="one JSON object")
    up = actions.add_parser("up", help="apply pending migrations in order")
    up.add_argument("--to", type=int, help="stop after this version")
    up.add_argument("--dry-run", action="store_true", help="count what would change; write nothing")
    up.add_argument("--batch-size", type=int, default=500)
    up.add_argument("--limit", type=int, help="process at most N documents (try a subset)")
    up.add_argument("--allow-destructive", action="store_true", help="also run destructive ones")
    up.add_argument("--wait", type=float, default=0.0, metavar="SECONDS", help="wait for the lock")
    down = actions.add_parser("down", help="roll back applied migrations, newest first")
    down.add_argument("--to", type=int, help="roll back every migration after this version")
    down.add_argument("--force", action="store_true", help="even over changes made since")
    down.add_argument("--batch-size", type=int, default=500)
    down.add_argument("--wait", type=float, default=0.0, metavar="SECONDS")
    verify = actions.add_parser("verify", help="compare legacy user fields with the profiles")
    verify.add_argument(
        "--repair", action="store_true", help="bring the older side up to the newer one"
    )
    derive = actions.add_parser(
        "derive",
        help="recompute derived fields of other rules (online; run it after `up`)",
        description="Re-derive the profiles whose derived fields (completeness, search"
        " fields) are not of this release's rules: online, batched, resumable; run it after"
        " `up`.",
    )
    derive.add_argument("--batch-size", type=int, default=500)
    prune = actions.add_parser(
        "prune",
        help="delete old issue records and legacy backups (only counts without --yes)",
        description="Delete issue records and legacy backups older than N days; without"
        " --yes only count them.",
    )
    prune.add_argument("--older-than-days", "--older-than", type=int, required=True, metavar="N")
    prune.add_argument("--yes", action="store_true", help="delete (else only count)")
    prune.add_argument(
        "--dry-run", action="store_true", help="only count, even with --yes (the default)"
    )
    prune.add_argument(
        "--including-only-copies",
        action="store_true",
        help="also delete issue records that hold the only copy of a value",
    )
    issues = actions.add_parser("issues", help="the values migrations recorded instead of keeping")
    issues.add_argument("--field", help="only the issues of this legacy field")
    issues.add_argument("--json", action="store_true", help="one JSON object per line")
    new = actions.add_parser("new", help="write a template for the next version")
    new.add_argument("name")


def run_migrate(args: argparse.Namespace, settings: Settings, url: str) -> int:
    """Run one `migrate` subcommand against `url`; returns the exit code."""
    if args.action == "new":
        print(new_script(args.name))
        return 0
    if getattr(args, "batch_size", 1) < 1 or (getattr(args, "limit", None) or 1) < 1:
        raise MigrationError("--batch-size and --limit must be positive")
    return asyncio.run(_run(args, settings, url))


async def _run(args: argparse.Namespace, settings: Settings, url: str) -> int:
    client = create_client(url, settings.server_selection_timeout_ms, operation_timeout_ms=None)
    db = client[settings.db_name]
    try:
        runner = Runner(db)
        options = RunOptions(
            to=getattr(args, "to", None),
            dry_run=getattr(args, "dry_run", False),
            batch_size=getattr(args, "batch_size", 500),
            limit=getattr(args, "limit", None),
            allow_destructive=getattr(args, "allow_destructive", False),
            force=getattr(args, "force", False),
            wait_seconds=getattr(args, "wait", 0.0),
            lock_ttl=settings.migration_lock_ttl_seconds,
            report=_report(settings, background=getattr(args, "background", False)),
        )
        if args.action == "status":
            return await _print_status(runner, as_json=args.json)
        if args.action == "issues":
            return await _print_issues(db, args.field, as_json=args.json)
        if args.action == "prune":
            if args.older_than_days < 1:
                raise MigrationError("--older-than-days must be at least 1")
            delete = args.yes and not args.dry_run
            pruned = await prune(
                db, args.older_than_days, delete=delete, only_copies=args.including_only_copies
            )
            verb = "deleted" if delete else "would delete (run again with --yes)"
            for collection in DATE_FIELDS:
                print(
                    f"{collection}: {verb} {pruned.deleted[collection]} older than"
                    f" {args.older_than_days} days"
                )
            if pruned.only_copies[ISSUES]:
                print(
                    f"{ISSUES}: kept {pruned.only_copies[ISSUES]} holding the only copy of a"
                    " value the profile lacks (--including-only-copies deletes them too)"
                )
            return 0
        if args.action == "derive":
            await derive_stale(db, batch_size=options.batch_size, report=options.report)
            return 0
        elif args.action == "up":
            await runner.up(options)
        elif args.action == "down":
            await runner.down(options)
        elif args.action == "verify":
            mismatches = await find_mismatches(db)
            for mismatch in mismatches:
                print(mismatch.describe())
            drift = await find_count_drift(db)
            for item in drift:
                print(item.describe())
            if args.repair and drift:
                await recount(db, drift)
                await derive_stale(db, batch_size=options.batch_size)
                print(f"recounted: {len(drift)} profiles")
            elif drift:
                print(f"{len(drift)} profiles with record counts to recount (--repair)")
            if args.repair and mismatches:
                mismatched: dict[ObjectId, list[str]] = {}
                for mismatch in mismatches:
                    mismatched.setdefault(mismatch.user_id, []).append(mismatch.field)
                for change in await _repair(settings, url, mismatched):
                    print(f"repaired: {change}")
                mismatches = await find_mismatches(db)
                print("after repair:")
            print(f"{len(mismatches)} mismatches")
            return 0 if not mismatches else 1
        return 0
    except PyMongoError as error:
        raise MigrationError(f"the database failed: {error}") from error
    finally:
        await client.close()


async def _repair(settings: Settings, url: str, mismatched: dict[ObjectId, list[str]]) -> list[str]:
    """The service's repair (its write path: transactions, version checks, dual write)."""
    database = await connect(url, settings.db_name, settings.server_selection_timeout_ms)
    try:
        if not server_has_transactions(await database.client.admin.command("hello")):
            raise MigrationError("verify --repair writes in transactions: " + NO_TRANSACTIONS)
        return await repair_mismatches(mismatched)
    finally:
        await database.close()


def _report(settings: Settings, *, background: bool = False) -> Report:
    """JSON lines in JSON log mode; progress bars on a terminal (unless the step runs in
    the background of `profiles serve`: then log lines); else a line per script."""
    if background:
        return LineReport(logging.getLogger("profiles.migrations").info)
    if settings.log_format == "json":
        return JsonReport(_stderr)
    if sys.stderr.isatty():
        return TerminalReport(_stderr)
    return LineReport(_stderr)


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


async def _print_status(runner: Runner, *, as_json: bool) -> int:
    """Print the state of every migration and the lock; `PENDING_EXIT` when a
    non-destructive migration is not applied."""
    lines = await runner.status()
    held = await lock_status(runner.db)
    pending = [
        line.script.version
        for line in lines
        if line.state != "applied" and not line.script.destructive
    ]
    if as_json:
        print(
            json.dumps(
                {
                    "migrations": [
                        {
                            "version": line.script.version,
                            "name": line.script.name,
                            "state": line.state,
                            "destructive": line.script.destructive,
                            "appliedAt": line.applied_at,
                            "checksumOk": line.checksum_ok,
                            "rulesOk": line.rules_ok,
                            "detail": line.detail,
                            "recorded": line.recorded,
                        }
                        for line in lines
                    ],
                    "pending": pending,
                    "lock": None
                    if held is None
                    else {
                        "owner": held.get("owner"),
                        "expiresAt": held.get("expiresAt"),
                        "token": held.get("token"),
                    },
                },
                default=_json_value,
            )
        )
        return PENDING_EXIT if pending else 0
    for line in lines:
        applied = line.applied_at.isoformat(timespec="seconds") if line.applied_at else "-"
        checksum = "ok" if line.checksum_ok else "CHANGED"
        rules = "ok" if line.rules_ok else "CHANGED"
        print(
            f"{line.script.version:04d}  {line.script.name:<40} {line.state:<12} {applied:<26}"
            f" checksum {checksum}  rules {rules}  {line.detail}".rstrip()
        )
        if line.recorded:
            counts = ", ".join(f"{rule} {n}" for rule, n in sorted(line.recorded.items()))
            print(f"      recorded: {counts}")
    if held:
        print(
            f"lock held by {held.get('owner')} until {held.get('expiresAt')}"
            f" (token {held.get('token')})"
        )
    else:
        print("lock free")
    return PENDING_EXIT if pending else 0


async def _print_issues(
    db: AsyncDatabase[dict[str, Any]], field: str | None, *, as_json: bool
) -> int:
    """Every recorded issue (of `field`), oldest first: who, which field, which rule, the
    raw value kept, by which script."""
    query = {} if field is None else {"field": field}
    count = 0
    async for issue in db[ISSUES].find(query, sort=[("recordedAt", 1), ("_id", 1)]):
        count += 1
        if as_json:
            print(json.dumps({k: v for k, v in issue.items() if k != "_id"}, default=_json_value))
        else:
            print(
                f"{issue.get('userId')}  {issue.get('field')}  {issue.get('rule')}"
                f"  {issue.get('raw')!r}  (script {issue.get('script')}, {issue.get('recordedAt')})"
            )
    if not as_json:
        print(f"{count} issues")
    return 0


def _json_value(value: Any) -> Any:
    """Dates as ISO 8601, ids and other BSON values as their strings."""
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)

"""`profiles migrate ...`: status, up, down, verify, new."""

import argparse
import asyncio
import sys
from typing import Any

from bson import ObjectId
from pymongo.errors import PyMongoError

from migrations.context import server_has_transactions
from migrations.errors import MigrationError
from migrations.lock import lock_status
from migrations.runner import NO_TRANSACTIONS, Runner, RunOptions
from migrations.scripts import new_script
from migrations.verify import find_mismatches
from service.platform.config import Settings
from service.platform.db import connect, create_client
from service.rollout.repair import repair_mismatches


def add_migrate_parser(commands: Any) -> None:
    """Register `migrate` and its subcommands on the top-level parser."""
    migrate = commands.add_parser("migrate", help="versioned data migrations")
    actions = migrate.add_subparsers(dest="action", required=True)
    actions.add_parser("status", help="every migration and its state")
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
            progress=sys.stderr.isatty(),
        )
        if args.action == "status":
            await _print_status(runner)
        elif args.action == "up":
            await runner.up(options)
        elif args.action == "down":
            await runner.down(options)
        elif args.action == "verify":
            mismatches = await find_mismatches(db)
            for mismatch in mismatches:
                print(mismatch.describe())
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


async def _print_status(runner: Runner) -> None:
    for line in await runner.status():
        applied = line.applied_at.isoformat(timespec="seconds") if line.applied_at else "-"
        checksum = "ok" if line.checksum_ok else "CHANGED"
        rules = "ok" if line.rules_ok else "CHANGED"
        print(
            f"{line.script.version:04d}  {line.script.name:<40} {line.state:<12} {applied:<26}"
            f" checksum {checksum}  rules {rules}  {line.detail}".rstrip()
        )
    held = await lock_status(runner.db)
    if held:
        print(
            f"lock held by {held.get('owner')} until {held.get('expiresAt')}"
            f" (token {held.get('token')})"
        )
    else:
        print("lock free")

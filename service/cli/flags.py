"""`profiles flags [--dual-write on|off] [--read-source S] [--allowlist A,B] [--percentage N]`:
show, or change then show, the rollout flags."""

import argparse
import json
from typing import Any

from pymongo import MongoClient

from documents.clock import utc_now
from documents.collections import FEATURE_FLAGS
from service.platform.config import Settings
from service.rollout.flags import ROLLOUT_ID, SETTABLE, flags_from_document


class FlagsError(Exception):
    """A bad flag value: one line for the operator."""


def add_flags_parser(commands: Any) -> None:
    """Register `flags` on the top-level parser."""
    flags = commands.add_parser("flags", help="show or change the rollout flags")
    flags.add_argument("--dual-write", choices=["on", "off"])
    flags.add_argument("--read-source", choices=["legacy", "profiles"])
    flags.add_argument("--allowlist", help="comma-separated authIds that read from profiles")
    flags.add_argument("--percentage", type=int, help="0-100: share of users reading profiles")


def run_flags(args: argparse.Namespace, settings: Settings, url: str) -> int:
    """Apply the given changes (if any) and print the flags as JSON."""
    changes: dict[str, Any] = {}
    if args.dual_write:
        changes["dualWrite"] = args.dual_write == "on"
    if args.read_source:
        changes["readSource"] = args.read_source
    if args.allowlist is not None:
        changes["readAllowlist"] = [a.strip() for a in args.allowlist.split(",") if a.strip()]
    if args.percentage is not None:
        if not 0 <= args.percentage <= 100:
            raise FlagsError("--percentage must be between 0 and 100")
        changes["readPercentage"] = args.percentage
    client: MongoClient[dict[str, Any]] = MongoClient(
        url, serverSelectionTimeoutMS=settings.server_selection_timeout_ms
    )
    try:
        collection = client[settings.db_name][FEATURE_FLAGS]
        if changes:
            changes.update(updatedAt=utc_now(), updatedBy="profiles flags")
            collection.update_one({"_id": ROLLOUT_ID}, {"$set": changes}, upsert=True)
        raw = collection.find_one({"_id": ROLLOUT_ID}) or {}
    finally:
        client.close()
    effective = flags_from_document(raw).view()
    print(json.dumps({key: effective[key] for key in SETTABLE}))
    return 0

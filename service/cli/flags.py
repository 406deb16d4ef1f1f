"""`profiles flags [--dual-write on|off] [--read-source S] [--allowlist A,B] [--percentage N]`:
show, or change then show, the rollout flags."""

import argparse
import asyncio
import json
from typing import Any

from service.platform.caller import Caller
from service.platform.config import Settings
from service.platform.db import connect
from service.platform.errors import ServiceError
from service.rollout.flags import SETTABLE, Flags, get_flags, set_flags


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
    effective = asyncio.run(_apply(settings, url, changes)).view()
    print(json.dumps({key: effective[key] for key in SETTABLE}))
    return 0


OPERATOR = Caller("profiles flags", roles=frozenset({"admin"}))
"""Who the command changes the flags as (recorded in `updatedBy`)."""


async def _apply(settings: Settings, url: str, changes: dict[str, Any]) -> Flags:
    """The flags after `changes`, through the same use case (and rules) as the admin API."""
    database = await connect(url, settings.db_name, settings.server_selection_timeout_ms)
    try:
        return await set_flags(OPERATOR, changes) if changes else await get_flags()
    except ServiceError as error:
        raise FlagsError(error.detail) from error
    finally:
        await database.close()

"""Which database commands a request sends, by the server's own profiler, and whether
two lists of them agree.

The profiler (`profile: 2`) is turned on for the database and for `admin`, where
`commitTransaction` lands, around one request; `system.profile` then holds what it sent.
Two lists agree when their commands have the same name, collection, filter, sort,
limit, projection, `$set` keys and transaction marks (values written differ: bio,
version, time). Reads of `feature_flags`, cached 2 s by both sides, are left out.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

from bson import json_util
from pymongo import AsyncMongoClient

from bench.wire import Document

T = TypeVar("T")
IGNORED_COLLECTIONS = frozenset({"feature_flags"})
DROPPED_KEYS = ("$db", "$clusterTime", "lsid", "$readPreference", "maxTimeMS", "txnNumber")
"""Keys of a recorded command that belong to the session, not to the query."""


async def profiled(
    client: AsyncMongoClient[Document], db_name: str, action: Callable[[], Awaitable[T]]
) -> tuple[T, list[Document]]:
    """Run `action` with the server's profiler on; its result and the commands recorded
    meanwhile (those of `db_name`, with `admin`'s commits placed after their transaction).

    The profiler stays on until the record counts have held still for a moment, in case a
    record lands after the reply it belongs to."""
    names = (db_name, "admin")
    marks = dict(zip(names, await profile_counts(client, names), strict=True))
    for name in names:
        await client[name].command("profile", 2, slowms=0)
    try:
        result = await action()
        await settled(client, names)
    finally:
        for name in names:
            await client[name].command("profile", 0)
    recorded = {}
    for name in names:
        cursor = client[name]["system.profile"].find().skip(marks[name])
        recorded[name] = [entry["command"] for entry in await cursor.to_list()]
    return result, merge_commits(recorded[db_name], recorded["admin"])


async def profile_counts(client: AsyncMongoClient[Document], names: Sequence[str]) -> list[int]:
    """How many profiler records each database holds."""
    return [await client[name]["system.profile"].count_documents({}) for name in names]


async def settled(client: AsyncMongoClient[Document], names: Sequence[str]) -> None:
    """Wait until the profiler record counts have not changed for 0.15 s (at most 3 s)."""
    deadline = time.monotonic() + 3.0
    last = await profile_counts(client, names)
    still_since = time.monotonic()
    while time.monotonic() < deadline and time.monotonic() - still_since < 0.15:
        await asyncio.sleep(0.05)
        counts = await profile_counts(client, names)
        if counts != last:
            last, still_since = counts, time.monotonic()


def merge_commits(commands: list[Document], admin: list[Document]) -> list[Document]:
    """`commands` with each `commitTransaction` / `abortTransaction` of `admin` after the
    last command of its transaction; reads of `IGNORED_COLLECTIONS` left out."""
    merged = list(commands)
    for command in admin:
        name = next(iter(command), "")
        if name not in ("commitTransaction", "abortTransaction"):
            continue
        number = command.get("txnNumber")
        inside = [
            index
            for index, other in enumerate(merged)
            if other.get("txnNumber") == number and "autocommit" in other
        ]
        merged.insert(inside[-1] + 1 if inside else len(merged), command)
    return [c for c in merged if c.get(next(iter(c), "")) not in IGNORED_COLLECTIONS]


def without_session(command: Mapping[str, Any]) -> Document:
    """`command` without the keys of its session (`DROPPED_KEYS`): to send again."""
    return {key: value for key, value in command.items() if key not in DROPPED_KEYS}


def _keys(value: Any) -> str:
    """`{a,b}`: the keys of a mapping."""
    return "{" + ",".join(value) + "}" if isinstance(value, Mapping) else ""


def _txn(command: Mapping[str, Any]) -> str:
    """The transaction mark of a command: starts one, inside one, or none."""
    if command.get("startTransaction"):
        return " [txn start]"
    return " [txn]" if "autocommit" in command else ""


def _sets(update: Any) -> Document:
    """The fields an update sets: its `$set`, or those of a pipeline's `$set` stages."""
    if isinstance(update, list):
        found: Document = {}
        for stage in update:
            found.update(stage.get("$set") or {})
        return found
    return dict((update or {}).get("$set") or {})


def describe(command: Mapping[str, Any]) -> str:
    """A command in a few words: name, collection, the keys it uses, transaction marks."""
    name = next(iter(command), "")
    target = command.get(name)
    if name == "find":
        query = command.get("filter") or {}
        tokens = query.get("searchTokens")
        text = _keys(query) if tokens is None else _keys(query).replace("searchTokens", tokens)
        extra = f" proj {_keys(command['projection'])}" if command.get("projection") else ""
        if command.get("sort"):
            extra += f" sort {_keys(command['sort'])} limit {command.get('limit')}"
        return f"find {target} {text}{extra}{_txn(command)}"
    if name == "aggregate":
        stages = "".join(next(iter(stage)) for stage in command.get("pipeline", []))
        return f"aggregate {target} {stages}{_txn(command)}"
    if name == "findAndModify":
        sets = _keys(_sets(command.get("update")))
        return f"findAndModify {target} {_keys(command.get('query'))} $set{sets}{_txn(command)}"
    if name == "update":
        update = (command.get("updates") or [{}])[0]
        sets = _keys(_sets(update.get("u")))
        return f"update {target} {_keys(update.get('q'))} $set{sets}{_txn(command)}"
    return f"{name}{_txn(command)}"


def signature(command: Mapping[str, Any]) -> str:
    """What must agree between two sides: `describe`, and the exact filter, sort, limit
    and projection of reads (writes differ in values: bio, version, time)."""
    name = next(iter(command), "")
    if name == "find":
        parts = {k: command.get(k) for k in ("filter", "sort", "limit", "projection")}
        return describe(command) + json_util.dumps(parts, sort_keys=True)
    if name == "aggregate":
        return describe(command) + json_util.dumps(command.get("pipeline"))
    return describe(command)


def same_commands(left: Sequence[Mapping[str, Any]], right: Sequence[Mapping[str, Any]]) -> bool:
    """Whether two lists of commands agree, command by command (`signature`)."""
    return [signature(c) for c in left] == [signature(c) for c in right]


def commands_line(label: str, commands: Sequence[Mapping[str, Any]]) -> str:
    """One line: the commands of a request, in order."""
    return f"  {label} ({len(commands)}): " + " > ".join(describe(c) for c in commands)

"""API overhead: the service against a bare ASGI endpoint doing the same database work.

    .venv/bin/python -m bench.api [--clients 8] [--seconds 1.5] [--rounds 8] [--users 96]

What it measures, as ratios taken in one run (the machine is shared and noisy):

1. Three operations through `profiles serve` (Litestar, Beanie, JWT auth; started by
   `bench.load.start_service`, embedded database, rate limit off) and through `BareApp`,
   a bare ASGI app in this module (uvicorn as `profiles serve` runs it, no framework,
   `pymongo.AsyncMongoClient` with the service's client options, PyJWT for the token)
   that sends the same database commands, in the same order and in the same session /
   transaction shape, to the same server and data: `GET /v1/dancers/{id}` (the owner
   reads their profile), `PATCH /v1/dancers/{id}` (`{"bio": ...}`, no If-Match: the
   route does not require it) and a search page `GET /v1/dancers?q=...` (the words of
   `QUERIES` in turn). `--clients` concurrent httpx clients, each on its own accounts;
   after a warm-up, `--rounds` slices of `--seconds` per side, service and bare
   alternating (service first in even rounds, bare first in odd ones). A slice's rate
   counts the requests that ended within it; the requests in flight then end before the
   next slice starts. Per operation: rps, p50, p99 and max of each side, CPU
   milliseconds per request of the server, the database and the load generator (from
   /proc: steadier than rates on a busy machine), and service rps / bare rps: the median
   of the per-round ratios (goal: at least 0.6), the pooled ratio beside it.
2. Dual write: `PATCH /v1/me` (`{"activeProfile": {"bio": ...}}`) with the `dualWrite`
   flag on and off (set through `PATCH /v1/admin/flags`, which the service applies at
   once), same service and data, slices in the order on, off, off, on, ...; the pooled
   p50s and their ratio (goal: on / off at most 1.5). Reads come from the profiles
   (`readSource: profiles`) in both, as they must while dual write is off.

The last line is the summary of the ratios. Start-up and seeding are not timed. Exit
code 1 when a request failed or the bare app no longer sends the service's commands.

Which commands each request sends, and how that is established: before measuring, the
bench turns on the embedded server's profiler (`profile: 2` on the database and on
`admin`, where `commitTransaction` lands) around one request of each operation (after an
unrecorded one, so that the caches of both sides are warm), once to the service and once
to the bare app, reads `system.profile` and prints the service's list and whether the
bare app's agrees: command, collection, filter, sort, limit, projection, `$set` keys and
transaction marks (reads of `feature_flags`, cached 2 s by both sides, are left out).
A `pymongo.monitoring.CommandListener` on an in-process app showed the same lists in the
exploratory run. The service changes; when it sends other commands the bench says so and
exits 1, and `BareApp` must follow. The commands, per request, as of this writing
(`[txn]`: inside the transaction):

- GET one profile: `find dancers {_id}`. The full view is the owner's: the caller's
  account `_id` is remembered a minute per process (`service.accounts.ids`), so `find users
  {authId}` (projecting `_id`) at most once a minute per caller.
- PATCH one profile: `find dancers {_id}`; `find users {_id}` projecting `authId` (owner
  check); then one transaction: `aggregate projects` and `aggregate training` (`$match
  {profileId}`, `$group` count; the first starts the transaction), `findAndModify dancers
  {_id, version}` (`$set` bio, completeness, searchTokens, rankKey, updatedAt; `$inc`
  version); with dual write on and the profile primary, `findAndModify users {_id}`
  (`$set` of the legacy fields, returning `profileType` as it was; an `update` of
  `profileType` follows only when it named another type); then `commitTransaction`. The
  bare app writes back the stored completeness, tokens and rank key (a bio edit changes
  none of them): deriving them is part of the service's cost.
- Search page: what the `tokens` backend sends for the query: per rank level (whole-word
  matches, then prefix matches), `find dancers {listed, searchTokens, rankKey: {$gt,
  $lt}}` sorted by `rankKey` with a limit, one per key window of the walk; then, when
  there are results, the caller's remembered account id. The windows depend on the data
  and on what earlier walks in the process saw, so the plan is recorded from the service
  after two warm-up searches per query and `BareApp` replays exactly those finds,
  answering with as many of the documents read as the service returned.
- PATCH /v1/me (service only): `find users {authId}`; a transaction of `find dancers
  {userId}`, the two counts, `findAndModify`, with dual write on `findAndModify users`,
  and `commitTransaction`; then `find users {authId}` and `find dancers {userId}` for the
  reply (9 commands with dual write, 8 without).

The embedded server (SecantusDB) sometimes stalls every transaction for several seconds
(at the start of concurrent transactional load and about a minute later; also with raw
PyMongo and no service at all): the per-round medians keep such a stall in one slice from
deciding a ratio, and the max column shows it.

`--bare-server PLAN --port P` runs only the bare app (what the bench starts as a child).
"""

import argparse
import asyncio
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from statistics import median
from typing import Any, TypeVar
from urllib.parse import parse_qsl

import httpx
import jwt
from bson import ObjectId, json_util
from pymongo import AsyncMongoClient, ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from bench.load import Account, _percentile, children_of, seed, start_service, wait_ready
from documents.legacy.fields import PROFILE_FIELDS
from documents.legacy.mapping import normalise_profile_type
from documents.legacy.mirror import legacy_sets
from service.platform.embedded import free_port
from service.platform.tokens import ALGORITHM, issue_token
from service.profiles.store import DISPLAY_PROJECTION
from service.profiles.visibility import INTERNAL_FIELDS, public_view

T = TypeVar("T")
Document = dict[str, Any]
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

OPERATIONS = ("get", "patch", "search")
QUERIES = ("ki", "mar", "novak", "berlin")
"""The search words, in turn: a prefix, a prefix, a surname, a city (see bench.load)."""
PROFILE_COLLECTION = "dancers"
LEGACY_FIELDS = frozenset(PROFILE_FIELDS["dancer"])
FLAGS_CACHE_SECONDS = 2.0
ACCOUNT_ID_SECONDS = 60.0
UPDATE_ATTEMPTS = 5
DROPPED_KEYS = ("$db", "$clusterTime", "lsid", "$readPreference", "maxTimeMS", "txnNumber")
IGNORED_COLLECTIONS = frozenset({"feature_flags"})
GOAL_RATIO = 0.6
GOAL_DUAL_WRITE = 1.5


# --- the bare ASGI app ----------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """An HTTP response of the bare app."""

    status: int
    body: Any
    etag: int | None = None


def _json_default(value: Any) -> Any:
    """What the standard JSON encoder cannot write: ids as hex, dates as ISO 8601."""
    if isinstance(value, ObjectId):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot encode {type(value).__name__}")


def profile_view(document: Mapping[str, Any], *, full: bool) -> Document:
    """A stored profile as the service shows it: ids as strings, no internal fields, and
    for others than the owner no private fields."""
    view: Document = {"id": document["_id"], "profileType": "dancer"}
    view.update((k, v) for k, v in document.items() if k not in INTERNAL_FIELDS)
    return view if full else public_view(view)


def now_ms() -> datetime:
    """Now in UTC, truncated to milliseconds (what BSON keeps)."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


class BareApp:
    """The three operations on the raw driver, behind a hand-written ASGI callable."""

    def __init__(self, url: str, db_name: str, secret: str, plan: Mapping[str, Any]) -> None:
        self.url = url
        self.db_name = db_name
        self.secret = secret
        self.plan = plan
        self.client: AsyncMongoClient[Document] | None = None
        self.flags: tuple[float, bool] = (-FLAGS_CACHE_SECONDS, True)
        self.account_ids: dict[str, tuple[float, Any]] = {}

    @property
    def db(self) -> AsyncDatabase[Document]:
        """The database (connected at start-up)."""
        if self.client is None:
            raise RuntimeError("not started")
        return self.client[self.db_name]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """ASGI: the lifespan, or one HTTP request (body read whole, then answered)."""
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        reply = await self._route(scope, body)
        await self._send(send, reply)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        """Connect on start-up (the service's client options), close on shutdown."""
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.client = AsyncMongoClient(
                    self.url,
                    serverSelectionTimeoutMS=5000,
                    connectTimeoutMS=5000,
                    timeoutMS=10_000,
                    tz_aware=True,
                    uuidRepresentation="standard",
                )
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.client is not None:
                    await self.client.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    @staticmethod
    async def _send(send: Send, reply: Reply) -> None:
        """The reply as JSON, with its length and (for a profile) its ETag."""
        payload = json.dumps(reply.body, default=_json_default).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(payload)).encode()),
        ]
        if reply.etag is not None:
            headers.append((b"etag", f'"{reply.etag}"'.encode()))
        await send({"type": "http.response.start", "status": reply.status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})

    def _caller(self, scope: Scope) -> str | None:
        """The verified `sub` of the bearer token, or None."""
        for name, value in scope.get("headers", ()):
            if name == b"authorization" and value.startswith(b"Bearer "):
                try:
                    claims = jwt.decode(
                        value[7:].decode(),
                        self.secret,
                        algorithms=[ALGORITHM],
                        options={"require": ["exp", "sub"]},
                    )
                except jwt.PyJWTError:
                    return None
                sub = claims.get("sub")
                return sub if isinstance(sub, str) else None
        return None

    async def _route(self, scope: Scope, body: bytes) -> Reply:
        """Readiness, then (with a valid token) search, GET or PATCH of a dancer."""
        path: str = scope["path"]
        method: str = scope["method"]
        if path == "/health/ready":
            return Reply(200, {"status": "ready"})
        sub = self._caller(scope)
        if sub is None:
            return Reply(401, {"detail": "a valid bearer token is needed"})
        prefix = f"/v1/{PROFILE_COLLECTION}"
        if path == prefix and method == "GET":
            query = dict(parse_qsl(scope["query_string"].decode()))
            return await self.search(sub, query.get("q", ""))
        if path.startswith(prefix + "/") and ObjectId.is_valid(path[len(prefix) + 1 :]):
            profile_id = ObjectId(path[len(prefix) + 1 :])
            if method == "GET":
                return await self.get_profile(sub, profile_id)
            if method == "PATCH":
                return await self.patch_profile(sub, profile_id, json.loads(body))
        return Reply(404, {"detail": "no such route"})

    async def _owner(self, profile: Mapping[str, Any]) -> str | None:
        """The owner's `authId` (as `service.profiles.store.owner_auth_id`)."""
        user = await self.db["users"].find_one({"_id": profile["userId"]}, {"authId": 1})
        return None if user is None else user.get("authId")

    async def account_id(self, sub: str) -> Any:
        """The caller's account `_id`, remembered a minute (as `service.accounts.ids`)."""
        now = time.monotonic()
        entry = self.account_ids.get(sub)
        if entry is not None and now - entry[0] < ACCOUNT_ID_SECONDS:
            return entry[1]
        user = await self.db["users"].find_one({"authId": sub}, {"_id": 1})
        if user is None:
            self.account_ids.pop(sub, None)
            return None
        self.account_ids[sub] = (now, user["_id"])
        return user["_id"]

    async def get_profile(self, sub: str, profile_id: ObjectId) -> Reply:
        """find the profile (as shown: no search tokens); the full view when it is the
        caller's (remembered id)."""
        profile = await self.db[PROFILE_COLLECTION].find_one(
            {"_id": profile_id}, DISPLAY_PROJECTION
        )
        if profile is None:
            return Reply(404, {"detail": "no such profile"})
        full = await self.account_id(sub) == profile["userId"]
        return Reply(200, profile_view(profile, full=full), profile["version"])

    async def dual_write(self) -> bool:
        """The `dualWrite` flag, read at most every 2 s (as `service.rollout.flags.get_flags`)."""
        read_at, value = self.flags
        if time.monotonic() - read_at < FLAGS_CACHE_SECONDS:
            return value
        stored = await self.db["feature_flags"].find_one({"_id": "rollout"}) or {}
        value = stored.get("dualWrite", True) is not False
        self.flags = (time.monotonic(), value)
        return value

    async def patch_profile(self, sub: str, profile_id: ObjectId, patch: Document) -> Reply:
        """find, owner check, then the transaction of `service.profiles.by_id.update_profile`."""
        for _ in range(UPDATE_ATTEMPTS):
            profile = await self.db[PROFILE_COLLECTION].find_one({"_id": profile_id})
            if profile is None:
                return Reply(404, {"detail": "no such profile"})
            if await self._owner(profile) != sub:
                return Reply(403, {"detail": "not yours"})
            if self.client is None:
                raise RuntimeError("not started")
            async with self.client.start_session() as session:
                updated = await session.with_transaction(
                    partial(self._write, profile=profile, patch=patch)
                )
            if updated is not None:
                return Reply(200, profile_view(updated, full=True), updated["version"])
        return Reply(409, {"detail": "changed concurrently"})

    async def _write(
        self, session: AsyncClientSession, profile: Document, patch: Document
    ) -> Document | None:
        """Counts, the conditional write, and dual write: one transaction."""
        for collection in ("projects", "training"):
            await self.db[collection].count_documents(
                {"profileId": profile["_id"]}, session=session
            )
        derived = {name: profile.get(name) for name in ("completeness", "searchTokens", "rankKey")}
        updated = await self.db[PROFILE_COLLECTION].find_one_and_update(
            {"_id": profile["_id"], "version": profile["version"]},
            {"$set": {**patch, **derived, "updatedAt": now_ms()}, "$inc": {"version": 1}},
            return_document=ReturnDocument.AFTER,
            session=session,
        )
        if updated is None:
            return None
        if LEGACY_FIELDS & set(patch) and updated.get("isPrimary") and await self.dual_write():
            users = self.db["users"]
            before = await users.find_one_and_update(
                {"_id": updated["userId"]},
                {"$set": legacy_sets("dancer", updated, "dancer")},
                projection={"profileType": 1},
                return_document=ReturnDocument.BEFORE,
                session=session,
            )
            if before is not None and normalise_profile_type(before.get("profileType")) != "dancer":
                await users.update_one(
                    {"_id": before["_id"]}, {"$set": {"profileType": "dancer"}}, session=session
                )
        return updated

    async def search(self, sub: str, q: str) -> Reply:
        """Replay the finds the service sent for this query, then (with results) the
        caller's remembered account id; as many documents as the service returned."""
        planned = self.plan.get(q)
        if planned is None:
            return Reply(422, {"detail": f"no recorded plan for q={q!r}"})
        found: dict[Any, Document] = {}
        for command in planned["finds"]:
            found.update((document["_id"], document) for document in await self._find(command))
        hits = list(found.values())[: planned["items"]]
        own_id = await self.account_id(sub) if hits else None
        items = [profile_view(hit, full=hit.get("userId") == own_id) for hit in hits]
        return Reply(200, {"items": items, "nextCursor": None, "typoTolerant": False})

    async def _find(self, command: Mapping[str, Any]) -> list[Document]:
        """One recorded `find` (filter, projection, sort, limit), sent again."""
        cursor = self.db[command["find"]].find(command.get("filter"), command.get("projection"))
        if command.get("sort"):
            cursor = cursor.sort(list(command["sort"].items()))
        if command.get("limit"):
            cursor = cursor.limit(command["limit"])
        return await cursor.to_list()


def serve_bare(plan_path: Path, port: int) -> None:
    """Serve the bare app with uvicorn as `profiles serve` runs it (settings from the
    environment: PROFILES_MONGODB_URL, PROFILES_DB_NAME, PROFILES_JWT_SECRET)."""
    import uvicorn

    plan = json_util.loads(plan_path.read_text())
    app = BareApp(
        os.environ["PROFILES_MONGODB_URL"],
        os.environ.get("PROFILES_DB_NAME", "profiles"),
        os.environ["PROFILES_JWT_SECRET"],
        plan,
    )
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="info", timeout_graceful_shutdown=5)


# --- which commands a request sends: the server's profiler ----------------------------


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
    last command of its transaction."""
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


def _keys(value: Any) -> str:
    """`{a,b}`: the keys of a mapping."""
    return "{" + ",".join(value) + "}" if isinstance(value, Mapping) else ""


def _txn(command: Mapping[str, Any]) -> str:
    """The transaction mark of a command: starts one, inside one, or none."""
    if command.get("startTransaction"):
        return " [txn start]"
    return " [txn]" if "autocommit" in command else ""


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
        update = command.get("update") or {}
        sets = _keys(update.get("$set"))
        return f"findAndModify {target} {_keys(command.get('query'))} $set{sets}{_txn(command)}"
    if name == "update":
        update = (command.get("updates") or [{}])[0]
        body = update.get("u") or {}
        return f"update {target} {_keys(update.get('q'))} $set{_keys(body.get('$set'))}" + _txn(
            command
        )
    return f"{name}{_txn(command)}"


def signature(command: Mapping[str, Any]) -> str:
    """What must agree between service and bare: `describe`, and the exact filter, sort,
    limit and projection of reads (writes differ in values: bio, version, time)."""
    name = next(iter(command), "")
    if name == "find":
        parts = {k: command.get(k) for k in ("filter", "sort", "limit", "projection")}
        return describe(command) + json_util.dumps(parts, sort_keys=True)
    if name == "aggregate":
        return describe(command) + json_util.dumps(command.get("pipeline"))
    return describe(command)


# --- load ---------------------------------------------------------------------------

Request = tuple[str, str, Any, Any]
"""(method, path, JSON body, query parameters)"""


def make_request(operation: str, account: Account, number: int) -> Request:
    """Request `number` of a client, on `account`'s own profile."""
    profile = f"/v1/{PROFILE_COLLECTION}/{account.dancer_id}"
    if operation == "get":
        return "GET", profile, None, None
    if operation == "patch":
        return "PATCH", profile, {"bio": f"edited {number} {random.random():.6f}"}, None
    if operation == "search":
        return "GET", f"/v1/{PROFILE_COLLECTION}", None, {"q": QUERIES[number % len(QUERIES)]}
    if operation == "me":
        body = {"activeProfile": {"bio": f"me {number} {random.random():.6f}"}}
        return "PATCH", "/v1/me", body, None
    raise ValueError(operation)


def cpu_seconds(pid: int | None) -> float:
    """CPU time (user + system, all threads) a process has used so far; 0 when unknown."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_now(pids: Mapping[str, int | None]) -> dict[str, float]:
    """CPU seconds so far of each process named, and of this one (`client`)."""
    return {**{name: cpu_seconds(pid) for name, pid in pids.items()}, "client": time.process_time()}


@dataclass
class Sample:
    """What one or more slices of load measured."""

    latencies: list[float] = field(default_factory=list)
    """of every request, those that ended after the slice's window included"""
    in_window: int = 0
    """requests that ended within the windows"""
    seconds: float = 0.0
    """length of the windows"""
    errors: Counter[str] = field(default_factory=Counter)
    cpu: dict[str, float] = field(default_factory=dict)
    """CPU seconds used meanwhile: `app` (the server), `db`, `client` (this process)"""

    @property
    def rps(self) -> float:
        """Requests per second: those that ended within the windows, over their length."""
        return self.in_window / self.seconds if self.seconds else 0.0

    def p(self, fraction: float) -> float:
        """A latency percentile, in milliseconds."""
        return _percentile(self.latencies, fraction) * 1000

    def add(self, other: "Sample") -> None:
        """Pool `other` into this sample."""
        self.latencies.extend(other.latencies)
        self.in_window += other.in_window
        self.seconds += other.seconds
        self.errors.update(other.errors)
        for name, used in other.cpu.items():
            self.cpu[name] = self.cpu.get(name, 0.0) + used

    def cpu_ms(self, name: str) -> float:
        """CPU milliseconds of process `name` per request."""
        return self.cpu.get(name, 0.0) * 1000 / max(len(self.latencies), 1)


async def run_slice(
    client: httpx.AsyncClient,
    operation: str,
    groups: Sequence[Sequence[Account]],
    seconds: float,
    pids: Mapping[str, int | None],
) -> Sample:
    """`len(groups)` concurrent clients, each on its own accounts, sending requests for
    `seconds`; then the requests in flight end (not counted in the rate: the next slice
    starts on an idle server). CPU time of the processes in `pids` and of this one."""
    sample = Sample(seconds=seconds)
    before = cpu_now(pids)
    deadline = time.monotonic() + seconds

    async def worker(index: int, accounts: Sequence[Account]) -> None:
        number = index
        while time.monotonic() < deadline:
            account = accounts[number % len(accounts)]
            method, path, body, params = make_request(operation, account, number)
            number += 1
            started = time.perf_counter()
            try:
                response = await client.request(
                    method, path, json=body, params=params, headers=account.headers
                )
                status = str(response.status_code)
            except httpx.HTTPError as error:
                status = type(error).__name__
            sample.latencies.append(time.perf_counter() - started)
            sample.in_window += time.monotonic() <= deadline
            if not status.startswith("2"):
                sample.errors[f"{operation} {status}"] += 1

    await asyncio.gather(*(worker(i, group) for i, group in enumerate(groups)))
    after = cpu_now(pids)
    sample.cpu = {name: after[name] - before[name] for name in after}
    return sample


# --- the run ------------------------------------------------------------------------


@dataclass
class Bench:
    """The two servers, their clients, the accounts and the settings of a run."""

    args: argparse.Namespace
    service: httpx.AsyncClient
    bare: httpx.AsyncClient | None
    database: AsyncMongoClient[Document]
    db_name: str
    accounts: list[Account]
    admin: dict[str, str]
    pids: dict[str, dict[str, int | None]] = field(default_factory=dict)
    """per side: the process ids of `app` (the server) and `db`"""

    @property
    def groups(self) -> list[list[Account]]:
        """The accounts of each client (disjoint: no two clients write one profile)."""
        clients: int = self.args.clients
        return [self.accounts[i::clients] for i in range(clients)]

    def target(self, side: str) -> httpx.AsyncClient:
        """The HTTP client of `service` or `bare`."""
        client = self.service if side == "service" else self.bare
        if client is None:
            raise RuntimeError("the bare app is not running")
        return client

    async def call(self, side: str, operation: str, number: int = 0) -> httpx.Response:
        """One request of `operation` as the first account, checked."""
        method, path, body, params = make_request(operation, self.accounts[0], number)
        response = await self.target(side).request(
            method, path, json=body, params=params, headers=self.accounts[0].headers
        )
        response.raise_for_status()
        return response

    async def trace(self, side: str, operation: str) -> tuple[httpx.Response, list[Document]]:
        """One request (after one unrecorded, to fill caches) and its commands."""
        await self.call(side, operation, 0)
        return await profiled(self.database, self.db_name, partial(self.call, side, operation, 1))

    async def set_dual_write(self, on: bool) -> None:
        """Switch the flag through the admin endpoint (the service applies it at once)."""
        response = await self.service.patch(
            "/v1/admin/flags",
            json={"dualWrite": on, "readSource": "profiles"},
            headers=self.admin,
        )
        response.raise_for_status()


async def search_plan(bench: Bench) -> dict[str, Any]:
    """For each query: the finds of profiles the service sent for it (after two unrecorded
    runs: a walk starts from the density an earlier walk of the token saw), and how many
    items it returned. The caller's account id is not part of the plan: the bare app
    looks it up as the service does."""
    plan: dict[str, Any] = {}
    for number, query in enumerate(QUERIES):
        for _ in range(2):
            await bench.call("service", "search", number)
        response, commands = await profiled(
            bench.database, bench.db_name, partial(bench.call, "service", "search", number)
        )
        finds = [c for c in commands if next(iter(c)) == "find" and c["find"] != "users"]
        if len(finds) != len(commands):
            raise SystemExit(f"search q={query!r} sent more than finds of profiles: {commands}")
        clean = [{k: v for k, v in c.items() if k not in DROPPED_KEYS} for c in finds]
        plan[query] = {"finds": clean, "items": len(response.json()["items"])}
    return plan


def print_commands(label: str, commands: list[Document]) -> None:
    """One line: the commands of a request, in order."""
    print(f"  {label} ({len(commands)}): " + " > ".join(describe(c) for c in commands))


async def compare_commands(bench: Bench) -> bool:
    """Trace each operation on both sides, print the commands, say whether they agree."""
    agree = True
    for operation in OPERATIONS:
        numbers = range(len(QUERIES)) if operation == "search" else range(1)
        for number in numbers:
            lists = {}
            for side in ("service", "bare"):
                await bench.call(side, operation, number)
                _, lists[side] = await profiled(
                    bench.database,
                    bench.db_name,
                    partial(bench.call, side, operation, number),
                )
            same = [signature(c) for c in lists["service"]] == [signature(c) for c in lists["bare"]]
            agree = agree and same
            label = operation if operation != "search" else f"search q={QUERIES[number]}"
            print(f"{label}: bare sends the same commands: {'yes' if same else 'NO'}")
            print_commands("service", lists["service"])
            if not same:
                print_commands("bare", lists["bare"])
    for on in (True, False):
        await bench.set_dual_write(on)
        _, commands = await bench.trace("service", "me")
        print_commands(f"PATCH /v1/me, dual write {'on' if on else 'off'}", commands)
    await bench.set_dual_write(True)
    return agree


def sides_of_round(number: int) -> tuple[str, str]:
    """Service first in even rounds, bare first in odd ones."""
    return ("service", "bare") if number % 2 == 0 else ("bare", "service")


async def measure_overhead(bench: Bench, operation: str) -> tuple[dict[str, Sample], list[float]]:
    """Warm-up, then interleaved slices of both sides; pooled samples and round ratios."""
    args = bench.args
    for side in ("service", "bare"):
        await run_slice(bench.target(side), operation, bench.groups, args.warmup, {})
    pooled = {"service": Sample(), "bare": Sample()}
    ratios = []
    for number in range(args.rounds):
        this_round = {}
        for side in sides_of_round(number):
            this_round[side] = await run_slice(
                bench.target(side), operation, bench.groups, args.seconds, bench.pids[side]
            )
            pooled[side].add(this_round[side])
        ratios.append(this_round["service"].rps / max(this_round["bare"].rps, 1e-9))
    return pooled, ratios


async def measure_dual_write(bench: Bench) -> tuple[dict[bool, Sample], list[float]]:
    """Slices of `PATCH /v1/me` with dual write on, off, off, on, ...; pooled samples and
    the on/off p50 ratio of each pair."""
    args = bench.args
    await run_slice(bench.service, "me", bench.groups, args.warmup, {})
    pooled = {True: Sample(), False: Sample()}
    ratios = []
    for number in range(args.rounds):
        this_round = {}
        for on in (True, False) if number % 2 == 0 else (False, True):
            await bench.set_dual_write(on)
            this_round[on] = await run_slice(
                bench.service, "me", bench.groups, args.seconds, bench.pids["service"]
            )
            pooled[on].add(this_round[on])
        ratios.append(this_round[True].p(0.5) / max(this_round[False].p(0.5), 1e-9))
    await bench.set_dual_write(True)
    return pooled, ratios


def _line(sample: Sample) -> str:
    """rps, latency and CPU per request of one side."""
    cpu = ", ".join(f"{name} {sample.cpu_ms(name):.1f}" for name in ("app", "db", "client"))
    return (
        f"{sample.rps:6.1f} rps, p50 {sample.p(0.5):6.1f} ms, p99 {sample.p(0.99):7.1f} ms,"
        f" max {sample.p(1.0):7.1f} ms; CPU ms/request {cpu}"
    )


def _spread(ratios: list[float]) -> str:
    """The per-round ratios: median and range."""
    return f"median of {len(ratios)} rounds, range {min(ratios):.2f}-{max(ratios):.2f}"


def start_bare(
    data_dir: Path, plan: Mapping[str, Any], url: str, secret: str, db: str
) -> tuple["subprocess.Popen[bytes]", str]:
    """The bare app as a child process (same interpreter, same uvicorn)."""
    plan_path = data_dir / "search-plan.json"
    plan_path.write_text(json_util.dumps(plan))
    port = free_port()
    env = {
        **os.environ,
        "PROFILES_MONGODB_URL": url,
        "PROFILES_DB_NAME": db,
        "PROFILES_JWT_SECRET": secret,
    }
    with open(data_dir / "bare.log", "ab") as output:
        process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "bench.api",
                "--bare-server",
                str(plan_path),
                "--port",
                str(port),
            ],
            env=env,
            stdout=output,
            stderr=output,
        )
    return process, f"http://127.0.0.1:{port}"


def stop(process: "subprocess.Popen[bytes] | None") -> None:
    """SIGTERM, then SIGKILL after 30 s."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class Results:
    """What the run measured, printed at the end."""

    overhead: dict[str, tuple[dict[str, Sample], list[float]]] = field(default_factory=dict)
    dual_write: tuple[dict[bool, Sample], list[float]] | None = None
    agree: bool = True


async def measure(bench: Bench, results: Results) -> None:
    """Part 1 for every operation, then part 2."""
    for operation in OPERATIONS:
        results.overhead[operation] = await measure_overhead(bench, operation)
    results.dual_write = await measure_dual_write(bench)


def report(results: Results, args: argparse.Namespace) -> int:
    """Print the figures; the last line is the summary of the ratios. Exit code: 1 when a
    request failed or the bare app did not send the service's commands."""
    errors: Counter[str] = Counter()
    print(
        f"\n{args.clients} clients, {args.rounds} rounds of {args.seconds:g} s per side"
        f" (warm-up {args.warmup:g} s); CPU ms/request: app = the server (service or bare),"
        " db = the embedded database, client = this load generator"
    )
    ratios = {}
    for operation, (pooled, rounds) in results.overhead.items():
        service, bare = pooled["service"], pooled["bare"]
        ratios[operation] = median(rounds)
        errors.update(service.errors + bare.errors)
        cpu = service.cpu_ms("app") / max(bare.cpu_ms("app"), 1e-9)
        print(f"{operation:6} service {_line(service)}")
        print(f"{'':6} bare    {_line(bare)}")
        print(
            f"{'':6} service/bare rps {ratios[operation]:.2f} ({_spread(rounds)};"
            f" pooled {service.rps / max(bare.rps, 1e-9):.2f}); server CPU per request {cpu:.2f}"
        )
    dual = "n/a"
    if results.dual_write is not None:
        samples, rounds = results.dual_write
        on, off = samples[True], samples[False]
        errors.update(on.errors + off.errors)
        dual = f"{on.p(0.5) / max(off.p(0.5), 1e-9):.2f}"
        print(f"me on  PATCH /v1/me, dual write on:  {_line(on)}")
        print(f"me off PATCH /v1/me, dual write off: {_line(off)}")
        print(f"{'':6} p50 on/off {dual} (pooled; per round: {_spread(rounds)})")
    if errors:
        print("errors: " + ", ".join(f"{k} {v}" for k, v in sorted(errors.items())))
    if not results.agree:
        print("the bare app did NOT send the same commands as the service (see above)")
    print(
        "ratios: "
        + ", ".join(f"{op} {ratio:.2f}" for op, ratio in ratios.items())
        + f" (goal >= {GOAL_RATIO}); dual write on/off {dual} (goal <= {GOAL_DUAL_WRITE})"
    )
    return 1 if errors or not results.agree else 0


async def run(args: argparse.Namespace) -> int:
    """Start the service, seed, trace, start the bare app, measure, stop, report."""
    results = Results()
    secret = secrets.token_urlsafe(48)
    db_port = free_port()
    os.environ["PROFILES_EMBEDDED_DB_PORT"] = str(db_port)  # the child's database port
    db_url = f"mongodb://127.0.0.1:{db_port}/?directConnection=true"
    db_name = os.environ.get("PROFILES_DB_NAME", "profiles")
    bare_process = None
    with tempfile.TemporaryDirectory(prefix="profiles-api-bench-") as temp:
        service_process, url, _ = start_service(Path(temp), secret)
        database: AsyncMongoClient[Document] = AsyncMongoClient(db_url)
        limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=args.clients)
        try:
            async with httpx.AsyncClient(base_url=url, timeout=60.0, limits=limits) as service:
                ready = await wait_ready(service, service_process)
                started = time.monotonic()
                accounts = await seed(service, secret, args.users, secrets.token_hex(3))
                print(
                    f"profiles serve ready in {ready:.1f} s; seeded {len(accounts)} users"
                    f" in {time.monotonic() - started:.1f} s"
                )
                admin = {
                    "Authorization": f"Bearer {issue_token(secret, 'bench-admin', ['admin'], 7200)}"
                }
                bench = Bench(args, service, None, database, db_name, accounts, admin)
                plan = await search_plan(bench)
                bare_process, bare_url = start_bare(Path(temp), plan, db_url, secret, db_name)
                async with httpx.AsyncClient(
                    base_url=bare_url, timeout=60.0, limits=limits
                ) as bare:
                    await wait_ready(bare, bare_process)
                    bench.bare = bare
                    db_pids = children_of(service_process.pid)
                    db_pid = db_pids[0] if db_pids else None
                    bench.pids = {
                        "service": {"app": service_process.pid, "db": db_pid},
                        "bare": {"app": bare_process.pid, "db": db_pid},
                    }
                    print("\ncommands per request (the server's profiler):")
                    results.agree = await compare_commands(bench)
                    await measure(bench, results)
        finally:
            await database.close()
            stop(bare_process)
            stop(service_process)
    return report(results, args)


def main() -> None:
    """Parse the arguments; run the bench, or only the bare app (`--bare-server`)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (8)")
    parser.add_argument("--seconds", type=float, default=1.5, help="seconds per slice (1.5)")
    parser.add_argument("--rounds", type=int, default=8, help="slices per side (8)")
    parser.add_argument("--warmup", type=float, default=1.0, help="warm-up seconds (1)")
    parser.add_argument("--users", type=int, default=96, help="accounts to seed (96)")
    parser.add_argument("--bare-server", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_server is not None:
        serve_bare(args.bare_server, args.port)
        return
    if not (
        1 <= args.clients <= 64
        and 0 < args.seconds <= 600
        and 1 <= args.rounds <= 50
        and 0 <= args.warmup <= 60
        and args.clients <= args.users <= 2000
    ):
        raise SystemExit("bounds: 1-64 clients, up to 600 s, 1-50 rounds, clients <= users <= 2000")
    sys.exit(asyncio.run(run(args)))


if __name__ == "__main__":
    main()

"""The bare app: what the three measured operations should cost. A hand-written ASGI
callable served by uvicorn as `profiles serve` runs it, no framework, PyMongo's
`AsyncMongoClient` with the service's client options, PyJWT for the token. It imports
nothing of the service (`bench.wire` holds the little it needs) and sends the service's
database commands MongoDB needs for the result, no more (the limit the service is held
to), in the session / transaction shape the result needs (`[txn]`: inside the
transaction):

- GET one profile: `find dancers {_id}` without the search tokens. The full view is the
  owner's: the caller's account `_id` is remembered a minute per process, so `find users
  {authId}` (projecting `_id`) at most once a minute per caller.
- PATCH one profile: `find dancers {_id}`; the owner check on the caller's remembered
  account id; then one transaction: `findAndModify dancers {_id, version}` (`$set` bio,
  completeness, searchTokens, rankKey, updatedAt; `$inc` version; it starts the
  transaction); with dual write on and the profile primary, `findAndModify users {_id}`
  (`$set` of the legacy fields, returning `profileType` as it was; an `update` of
  `profileType` follows only when it named another type); then `commitTransaction`. The
  bare app writes back the stored completeness, tokens and rank key (a bio edit changes
  none of them): deriving them is part of the service's cost.
- Search page: per rank level and key window of the `tokens` backend's walk, `find
  dancers {listed, searchTokens, rankKey: {$gt, $lt}}` sorted by `rankKey` with a limit;
  then, when there are results, the caller's remembered account id. The windows depend
  on the data and on earlier walks, so the bench records them from the service (the
  plan) and the bare app replays exactly those finds, answering with as many of the
  documents read as the service returned.

    .venv/bin/python -m bench.api.bare --plan PLAN.json --port P
    (settings from PROFILES_MONGODB_URL, PROFILES_DB_NAME, PROFILES_JWT_SECRET)
"""

import argparse
import json
import os
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from bson import ObjectId, json_util
from pymongo import AsyncMongoClient, ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from bench.api.asgi import (
    Receive,
    Reply,
    Scope,
    Send,
    bearer_token,
    read_body,
    run_lifespan,
    send_reply,
)
from bench.harness.tokens import verified_subject
from bench.wire import (
    DISPLAY_PROJECTION,
    LEGACY_PROFILE_FIELDS,
    Document,
    legacy_search_pattern,
    profile_view,
)

COLLECTION = "dancers"
LEGACY_FIELDS = frozenset(LEGACY_PROFILE_FIELDS["dancer"])
FLAGS_CACHE_SECONDS = 2.0
ACCOUNT_ID_SECONDS = 60.0
UPDATE_ATTEMPTS = 5


def now_ms() -> datetime:
    """Now in UTC, truncated to milliseconds (what BSON keeps)."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def legacy_sets(profile: Mapping[str, Any]) -> Document:
    """The `$set` that mirrors a dancer profile onto its user's legacy fields: each
    legacy dancer field the profile holds, `searchPattern` and `updatedAt`."""
    sets = {name: profile[name] for name in LEGACY_PROFILE_FIELDS["dancer"] if name in profile}
    sets["searchPattern"] = legacy_search_pattern(profile)
    sets["updatedAt"] = profile.get("updatedAt") or now_ms()
    return sets


def names_dancer(raw: Any) -> bool:
    """Whether a legacy `profileType` names a dancer (`" Dancer "` does)."""
    return isinstance(raw, str) and raw.strip().lower() == "dancer"


class BareApp:
    """GET, PATCH and search of dancers on the raw driver, behind a bare ASGI callable."""

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
            await run_lifespan(receive, send, self.connect, self.close)
            return
        body = await read_body(receive)
        await send_reply(send, await self.route(scope, body))

    async def connect(self) -> None:
        """Connect with the service's client options."""
        self.client = AsyncMongoClient(
            self.url,
            serverSelectionTimeoutMS=5000,
            connectTimeoutMS=5000,
            timeoutMS=10_000,
            tz_aware=True,
            uuidRepresentation="standard",
        )

    async def close(self) -> None:
        """Close the client."""
        if self.client is not None:
            await self.client.close()

    async def route(self, scope: Scope, body: bytes) -> Reply:
        """Readiness, then (with a valid token) search, GET or PATCH of a dancer."""
        path: str = scope["path"]
        method: str = scope["method"]
        if path == "/health/ready":
            return Reply(200, {"status": "ready"})
        token = bearer_token(scope)
        sub = None if token is None else verified_subject(token, self.secret)
        if sub is None:
            return Reply(401, {"detail": "a valid bearer token is needed"})
        prefix = f"/v1/{COLLECTION}"
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

    async def account_id(self, sub: str) -> Any:
        """The caller's account `_id`, remembered a minute (a missing one is not)."""
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
        """The profile as shown (no search tokens); the full view when it is the caller's."""
        profile = await self.db[COLLECTION].find_one({"_id": profile_id}, DISPLAY_PROJECTION)
        if profile is None:
            return Reply(404, {"detail": "no such profile"})
        full = await self.account_id(sub) == profile["userId"]
        return Reply(200, profile_view(profile, "dancer", full=full), profile["version"])

    async def dual_write(self) -> bool:
        """The `dualWrite` flag, read at most every 2 s."""
        read_at, value = self.flags
        if time.monotonic() - read_at < FLAGS_CACHE_SECONDS:
            return value
        stored = await self.db["feature_flags"].find_one({"_id": "rollout"}) or {}
        value = stored.get("dualWrite", True) is not False
        self.flags = (time.monotonic(), value)
        return value

    async def patch_profile(self, sub: str, profile_id: ObjectId, patch: Document) -> Reply:
        """Find, owner check (the remembered account id), then the update in one
        transaction; again when the version moved meanwhile."""
        for _ in range(UPDATE_ATTEMPTS):
            profile = await self.db[COLLECTION].find_one({"_id": profile_id})
            if profile is None:
                return Reply(404, {"detail": "no such profile"})
            if await self.account_id(sub) != profile["userId"]:
                return Reply(403, {"detail": "not yours"})
            if self.client is None:
                raise RuntimeError("not started")
            async with self.client.start_session() as session:
                updated = await session.with_transaction(
                    partial(self.write, profile=profile, patch=patch)
                )
            if updated is not None:
                return Reply(200, profile_view(updated, "dancer", full=True), updated["version"])
        return Reply(409, {"detail": "changed concurrently"})

    async def write(
        self, session: AsyncClientSession, profile: Document, patch: Document
    ) -> Document | None:
        """The conditional write and dual write: one transaction."""
        derived = {name: profile.get(name) for name in ("completeness", "searchTokens", "rankKey")}
        updated = await self.db[COLLECTION].find_one_and_update(
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
                {"$set": legacy_sets(updated)},
                projection={"profileType": 1},
                return_document=ReturnDocument.BEFORE,
                session=session,
            )
            if before is not None and not names_dancer(before.get("profileType")):
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
            found.update((document["_id"], document) for document in await self.find(command))
        hits = list(found.values())[: planned["items"]]
        own_id = await self.account_id(sub) if hits else None
        items = [profile_view(hit, "dancer", full=hit.get("userId") == own_id) for hit in hits]
        return Reply(200, {"items": items, "nextCursor": None, "typoTolerant": False})

    async def find(self, command: Mapping[str, Any]) -> list[Document]:
        """One recorded `find` (filter, projection, sort, limit), sent again."""
        cursor = self.db[command["find"]].find(command.get("filter"), command.get("projection"))
        if command.get("sort"):
            cursor = cursor.sort(list(command["sort"].items()))
        if command.get("limit"):
            cursor = cursor.limit(command["limit"])
        return await cursor.to_list()


def main() -> None:
    """Serve the bare app with uvicorn as `profiles serve` runs it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--plan", type=Path, required=True, help="the recorded search plan")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = BareApp(
        os.environ["PROFILES_MONGODB_URL"],
        os.environ.get("PROFILES_DB_NAME", "profiles"),
        os.environ["PROFILES_JWT_SECRET"],
        json_util.loads(args.plan.read_text()),
    )
    uvicorn.run(
        app, host="127.0.0.1", port=args.port, log_level="info", timeout_graceful_shutdown=5
    )


if __name__ == "__main__":
    main()

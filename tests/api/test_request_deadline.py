"""One deadline per request (`PROFILES_REQUEST_TIMEOUT_MS`): every database command of a
request shares it, and a request that runs past it answers 503 with `Retry-After`
within the deadline plus a margin, transaction retries included.

The app's client is slowed or failed by failpoints that name it (see `deadline_helpers`);
the times asserted are bounds the failpoints force, not measured speeds.
"""

import asyncio
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from bson import ObjectId
from litestar import Litestar
from litestar.testing import AsyncTestClient
from pymongo import AsyncMongoClient
from pymongo.errors import (
    AutoReconnect,
    ConnectionFailure,
    ExecutionTimeout,
    NetworkTimeout,
    OperationFailure,
    PyMongoError,
    ServerSelectionTimeoutError,
    WTimeoutError,
)

from api.app import create_app
from api.errors import (
    RETRY_AFTER_SECONDS,
    from_connection_failure,
    from_database_error,
    from_service_error,
)
from service.me.onboarding import complete_onboarding
from service.platform.caller import Caller
from service.platform.config import Settings
from service.platform.db import Database, MongoDocument
from service.platform.errors import Unavailable
from tests.api.deadline_helpers import (
    CommandRecorder,
    app_command_held,
    app_failpoint,
    app_settings,
)
from tests.api.test_authorization import CONTENT_BODIES, Operation, body_for, operations
from tests.api.test_authorization_matrix import ADMIN_ONLY
from tests.helpers import EXPECTED_MIGRATIONS, auth

SHORT_MS = 300
"""The deadline of the tests of what happens past it."""
MARGIN_S = 1.5
"""A request past its deadline answers within the deadline plus this: room for a loaded
machine to schedule the answer, and far below what the failpoints would cost without a
deadline (a command blocked for `BLOCK_MS`, or `with_transaction` retrying for 120 s)."""
BLOCK_MS = 4000
SUB = "deadline-dancer"
UNUSED_COMMANDS = frozenset({"getMore", "killCursors", "endSessions", "abortTransaction"})
"""Commands that carry no `maxTimeMS` of the request: PyMongo bounds a cursor's next batch
(`getMore`) by the socket timeout, set to what is left; the others clean up."""


@pytest.fixture
async def dancer_id(database: Database) -> str:
    """A dancer profile of `SUB`, made through the service before any app starts (so
    that no request of the tests below has to fit making it into a short deadline)."""
    result = await complete_onboarding(Caller(SUB), "dancer", None, "Dee Dancer", {})
    return str(result.view["id"])


@asynccontextmanager
async def app_client(
    settings: Settings, request_timeout_ms: int
) -> AsyncIterator[AsyncTestClient[Litestar]]:
    """The app with a deadline of `request_timeout_ms` per request, its client named."""
    app = create_app(
        app_settings(settings, request_timeout_ms=request_timeout_ms),
        expected_migrations=EXPECTED_MIGRATIONS,
    )
    async with AsyncTestClient(app=app) as client:
        yield client


@pytest.fixture
async def short(
    settings: Settings, dancer_id: str, recorder: CommandRecorder
) -> AsyncIterator[AsyncTestClient[Litestar]]:
    """The app with a `SHORT_MS` deadline per request."""
    async with app_client(settings, SHORT_MS) as client:
        yield client


@pytest.mark.parametrize(
    ("method", "path", "blocked"),
    [
        ("GET", "/v1/me", "find"),
        ("GET", "/v1/dancers/{id}", "find"),
        ("GET", "/health/ready", "ping"),
        ("PATCH", "/v1/me", "findAndModify"),
    ],
)
async def test_a_request_past_its_deadline_answers_503_with_retry_after(
    short: AsyncTestClient[Litestar],
    raw_client: AsyncMongoClient[MongoDocument],
    dancer_id: str,
    method: str,
    path: str,
    blocked: str,
) -> None:
    body = {"fullName": "Never Stored"} if method == "PATCH" else None
    url = path.format(id=dancer_id)
    async with app_command_held(raw_client, blocked, BLOCK_MS, "alwaysOn"):
        started = time.monotonic()
        response = await short.request(method, url, json=body, headers=auth(SUB))
        elapsed = time.monotonic() - started

    assert response.status_code == 503, response.text
    assert elapsed < SHORT_MS / 1000 + MARGIN_S, elapsed
    assert response.headers["content-type"].startswith("application/problem+json")
    assert int(response.headers["retry-after"]) >= 1
    again = await short.get(url, headers=auth(SUB))
    assert again.status_code == 200, again.text  # the same app answers once the database does
    if method == "PATCH":
        assert again.json()["fullName"] != "Never Stored"


async def test_a_patch_under_a_write_conflict_storm_stops_at_the_deadline(
    short: AsyncTestClient[Litestar],
    raw_client: AsyncMongoClient[MongoDocument],
    settings: Settings,
    recorder: CommandRecorder,
    dancer_id: str,
) -> None:
    path = f"/v1/dancers/{dancer_id}"
    async with app_failpoint(
        raw_client,
        "alwaysOn",
        failCommands=["findAndModify"],
        errorCode=112,  # WriteConflict, as mongod labels it inside a transaction
        errorLabels=["TransientTransactionError"],
    ):
        recorder.commands = []
        started = time.monotonic()
        response = await short.patch(path, json={"bio": "lost in the storm"}, headers=auth(SUB))
        elapsed = time.monotonic() - started
        attempts = recorder.names().count("findAndModify")

    assert response.status_code == 503, response.text
    assert int(response.headers["retry-after"]) >= 1
    assert elapsed < SHORT_MS / 1000 + MARGIN_S, elapsed  # not with_transaction's 120 s
    assert attempts >= 2, recorder.names()  # it did retry the conflicts, until the deadline
    stored = await raw_client[settings.db_name].dancers.find_one({"_id": ObjectId(dancer_id)})
    assert stored is not None and stored.get("bio") != "lost in the storm"


async def test_every_command_of_a_request_carries_what_is_left_of_its_deadline(
    settings: Settings,
    raw_client: AsyncMongoClient[MongoDocument],
    recorder: CommandRecorder,
    dancer_id: str,
) -> None:
    """The request's deadline (4 s here) reaches every command the handler sends, the
    transaction's included, instead of the client's own 10 s per command; and it is one
    deadline: after the first read was held up 400 ms, no later command may ask for
    more than what is left."""
    deadline_ms, held_ms = 4000, 400
    assert settings.operation_timeout_ms > deadline_ms
    async with app_client(settings, deadline_ms) as client:
        recorder.commands = []
        async with app_command_held(raw_client, "find", held_ms):
            response = await client.patch(
                f"/v1/dancers/{dancer_id}", json={"bio": "on time"}, headers=auth(SUB)
            )
        assert response.status_code == 200, response.text
        sent = [(name, command) for _, name, command in recorder.commands]
        names = [name for name, _ in sent]
        assert names[0] == "find" and "findAndModify" in names, names
        assert "commitTransaction" in names, names
        for index, (name, command) in enumerate(sent):
            if name in UNUSED_COMMANDS:
                continue
            assert "maxTimeMS" in command, (name, command)
            limit = deadline_ms if index == 0 else deadline_ms - held_ms
            assert 0 < command["maxTimeMS"] <= limit, (name, command["maxTimeMS"], limit)

        recorder.commands = []
        assert (await client.get("/v1/me", headers=auth(SUB))).status_code == 200
        assert recorder.commands, "GET /v1/me sent no command"
        for _, name, command in recorder.commands:
            if name not in UNUSED_COMMANDS:
                assert 0 < command.get("maxTimeMS", 0) <= deadline_ms, (name, command)


@pytest.mark.parametrize(
    "error",
    [
        NetworkTimeout("timed out"),
        ServerSelectionTimeoutError("no server"),
        AutoReconnect("connection closed"),
        ExecutionTimeout("operation exceeded time limit", 50),
        WTimeoutError("waiting for replication timed out", 64, {"errInfo": {"wtimeout": True}}),
        OperationFailure("not primary", 10107),
    ],
    ids=lambda error: type(error).__name__,
)
def test_every_unavailable_database_error_is_503_with_retry_after(error: PyMongoError) -> None:
    problem = (
        from_connection_failure(error)
        if isinstance(error, ConnectionFailure)
        else from_database_error(error)
    )
    assert problem.status_code == 503
    assert problem.headers == {"Retry-After": str(RETRY_AFTER_SECONDS)}
    unavailable = from_service_error(Unavailable("the database did not answer"))
    assert unavailable.status_code == 503 and unavailable.headers == problem.headers


async def test_a_transaction_cut_by_the_deadline_holds_nothing_after_it(
    short: AsyncTestClient[Litestar],
    raw_client: AsyncMongoClient[MongoDocument],
    settings: Settings,
    dancer_id: str,
) -> None:
    """The deadline passes while the commit is held: the transaction has written, the
    server still has it open, and the client may no longer send its abort. The service
    ends it on the server at once (`killSessions`), so the next write of the same profile
    goes through instead of waiting for the server to reap it, and the held commit
    commits nothing."""
    path = f"/v1/dancers/{dancer_id}"
    async with app_command_held(raw_client, "commitTransaction", BLOCK_MS):
        cut = await short.patch(path, json={"bio": "cut at the deadline"}, headers=auth(SUB))
        assert cut.status_code == 503, cut.text
        started = time.monotonic()
        after = await short.patch(path, json={"bio": "the next write"}, headers=auth(SUB))
        elapsed = time.monotonic() - started
    assert after.status_code == 200, after.text
    assert elapsed < SHORT_MS / 1000 + MARGIN_S, elapsed
    await asyncio.sleep(BLOCK_MS / 1000)  # the held commit has run by now, if it could
    stored = await raw_client[settings.db_name].dancers.find_one({"_id": ObjectId(dancer_id)})
    assert stored is not None and stored.get("bio") == "the next write"


STORM_DEADLINE_MS = 300
STORM_MARGIN_S = 1.0
"""The storm's deadline, and the margin allowed past it. PyMongo's `with_transaction`
sleeps a random backoff of up to 0.5 s between attempts and does not cut the last one
short at the deadline, so an answer may come that much after it."""
WRITE_COMMANDS = ["insert", "update", "delete", "findAndModify"]
STORM_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("PATCH", "/v1/admin/flags"): {"dualWrite": True},
    ("PUT", "/v1/admin/profile-templates/{profile_type}/{name}"): {"fields": {"bio": "storm"}},
    ("POST", "/v1/dancers/{profile_id}/headshots"): {
        "storageId": "storm",
        "url": "https://img.example.test/storm.jpg",
    },
    ("POST", "/v1/choreographers/{profile_id}/headshots"): {
        "storageId": "storm",
        "url": "https://img.example.test/storm.jpg",
    },
    ("PUT", "/v1/dancers/{profile_id}/headshots/order"): {"storageIds": ["s"]},
    ("PUT", "/v1/choreographers/{profile_id}/headshots/order"): {"storageIds": ["s"]},
}
NO_WRITE_NEEDED = {"POST /v1/me/onboarding": 200, "POST /v1/me/profiles": 409}
"""Writes answered without writing: the caller has onboarded and holds both profiles."""
ITEM_ID = re.compile(r"/(?P<part>[a-z-]+)/\{(item_id|record_id|storage_id)(:str)?\}")


async def _existing_parts(
    client: AsyncTestClient[Litestar], ids: dict[str, str]
) -> dict[tuple[str, str], str]:
    """One item of every list of both profiles (and a template), so that the storm's
    writes of an item find it: `(kind, part)` -> the item's id."""
    made: dict[tuple[str, str], str] = {}
    for kind, profile_id in ids.items():
        for (method, suffix), body in CONTENT_BODIES.items():
            if method != "POST":
                continue
            response = await client.post(
                f"/v1/{kind}s/{profile_id}{suffix}", json=body, headers=auth(SUB)
            )
            if response.status_code == 404:
                continue  # a list the other kind has
            assert response.status_code == 201, (kind, suffix, response.text)
            created = response.json()
            item = created["items"][0]["storageId"] if "items" in created else created["id"]
            made[(kind, suffix[1:])] = str(item)
    template = await client.put(
        "/v1/admin/profile-templates/dancer/starter",
        json={"fields": {"bio": "before"}},
        headers=auth(f"{SUB}-admin", admin=True),
    )
    assert template.status_code == 201, template.text
    return made


def _storm_url(path: str, ids: dict[str, str], parts: dict[tuple[str, str], str]) -> str:
    kind = "dancer" if path.startswith("/v1/dancers") else "choreographer"
    found = ITEM_ID.search(path)
    if found:
        path = path.replace(found.group(0), f"/{found['part']}/{parts[(kind, found['part'])]}")
    return path.format(profile_id=ids[kind], profile_type="dancer", name="starter")


async def test_every_operation_under_a_write_conflict_storm_answers_by_its_deadline(
    settings: Settings,
    raw_client: AsyncMongoClient[MongoDocument],
    recorder: CommandRecorder,
    dancer_id: str,
) -> None:
    """Every write command of the app fails with a transient `WriteConflict` for as long
    as the storm lasts. Every operation of the route table, sent with a valid body about
    things that exist, by someone allowed to send it, answers within its deadline plus a
    second: a write with a 503 or a 409 `concurrent-change`, both with `Retry-After`
    (never a 500), a read as usual. Nothing a write of the storm sent is stored."""
    settings = settings.model_copy(
        update={"rate_limit_per_second": 0, "rate_limit_search_per_second": 0}
    )
    # what the storm needs is made, and read before and after it, by the app with its usual
    # deadline (one app at a time: each binds the documents to its own client): on a busy
    # machine a write can take longer than the storm's deadline
    admin = auth(f"{SUB}-admin", admin=True)
    async with app_client(settings, settings.request_timeout_ms) as calm:
        added = await calm.post(
            "/v1/me/profiles", json={"profileType": "choreographer"}, headers=auth(SUB)
        )
        assert added.status_code == 201, added.text
        ids = {"dancer": dancer_id, "choreographer": added.json()["id"]}
        parts = await _existing_parts(calm, ids)
        every = operations(calm.app, writes=True) + operations(calm.app, writes=False)
        every = [Operation(op.method, op.path.replace(":str", "")) for op in every]
        reads = [_storm_url(op.path, ids, parts) for op in every if op.method == "GET"]
        before = [(await calm.get(url, headers=admin)).json() for url in reads]
    answers: list[tuple[str, int, float, str, str]] = []
    async with (
        app_client(settings, STORM_DEADLINE_MS) as client,
        app_failpoint(
            raw_client,
            "alwaysOn",
            failCommands=WRITE_COMMANDS,
            errorCode=112,
            errorLabels=["TransientTransactionError"],
        ),
    ):
        for operation in every:  # one at a time: the test client blocks its loop anyway
            key = (operation.method, operation.path)
            started = time.monotonic()
            response = await client.request(
                operation.method,
                _storm_url(operation.path, ids, parts),
                json=STORM_BODIES.get(key, body_for(operation)),
                headers=admin if ADMIN_ONLY.search(operation.path) else auth(SUB),
            )
            elapsed = time.monotonic() - started
            problem = response.json().get("type", "") if response.status_code >= 400 else ""
            retry_after = response.headers.get("retry-after", "")
            answers.append((" ".join(key), response.status_code, elapsed, retry_after, problem))
    async with app_client(settings, settings.request_timeout_ms) as calm:
        after = [(await calm.get(url, headers=admin)).json() for url in reads]

    assert len(answers) > 80
    slow = [a for a in answers if a[2] >= STORM_DEADLINE_MS / 1000 + STORM_MARGIN_S]
    assert not slow, slow
    failed = [a for a in answers if a[1] >= 500 and (a[1] != 503 or not a[3].isdigit())]
    assert not failed, failed
    writes = [a for a in answers if not a[0].startswith("GET") and a[0] not in NO_WRITE_NEEDED]
    refused = [
        a
        for a in writes
        if a[3].isdigit() and (a[1] == 503 or (a[1] == 409 and a[4].endswith("concurrent-change")))
    ]
    assert refused == writes, [a for a in writes if a not in refused]
    assert all(a[1] == NO_WRITE_NEEDED[a[0]] for a in answers if a[0] in NO_WRITE_NEEDED)
    assert [a[1] for a in answers if a[0].startswith("GET")] == [200] * len(reads)
    assert after == before  # no write of the storm was stored

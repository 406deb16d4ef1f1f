"""One deadline per request (`PROFILES_REQUEST_TIMEOUT_MS`): every database command of a
request shares it, and a request that runs past it answers 503 with `Retry-After`
within the deadline plus a margin, transaction retries included.

The app's client is slowed or failed by failpoints that name it (see `deadline_helpers`);
the times asserted are bounds the failpoints force, not measured speeds.
"""

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

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
        ("PATCH", "/v1/me", "find"),
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

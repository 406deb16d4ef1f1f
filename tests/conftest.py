"""Test fixtures: a real MongoDB wire-protocol server over TCP, a fresh database per test.

One SecantusDB server (in memory, test commands on) is started for the session unless
`PROFILES_TEST_MONGODB_URL` names another server.
"""

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from pydantic import SecretStr
from pymongo import AsyncMongoClient

from api.app import create_app
from service.platform.config import Settings
from service.platform.db import Database, MongoDocument, connect
from service.platform.embedded import EmbeddedDatabase
from tests.api.deadline_helpers import CommandRecorder, command_recorder, stop_recording
from tests.fault_tally import TALLY
from tests.helpers import EXPECTED_MIGRATIONS, TEST_SECRET, again_after_a_dropped_connection
from tests.migrated_template import copy_template, template_for


@pytest.fixture(scope="session")
def mongodb_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of the test server: `PROFILES_TEST_MONGODB_URL`, or an embedded one."""
    configured = os.environ.get("PROFILES_TEST_MONGODB_URL")
    if configured:
        yield configured
        return
    log = tmp_path_factory.mktemp("secantus") / "server.log"
    with EmbeddedDatabase(":memory:", test_commands=True, log_path=log) as server:
        yield server.url


@pytest.fixture
def db_name() -> str:
    """A database name of this test's own."""
    return f"test_{uuid.uuid4().hex[:12]}"


@pytest.fixture
def settings(mongodb_url: str, db_name: str, tmp_path: Path) -> Settings:
    """Settings pointing at the test server and this test's database."""
    return Settings(
        mongodb_url=mongodb_url,
        db_name=db_name,
        data_dir=tmp_path / "data",
        jwt_secret=SecretStr(TEST_SECRET),
    )


@pytest.fixture
async def database(settings: Settings) -> AsyncIterator[Database]:
    """Documents bound to this test's database, as `migrate up` leaves an empty one (a
    copy of what it made once: `tests.migrated_template`); dropped afterwards."""
    assert settings.mongodb_url
    database = await connect(settings.mongodb_url, settings.db_name)
    template = await template_for(database.client, settings.mongodb_url)
    await copy_template(template, database.database)
    try:
        yield database
    finally:
        try:
            await again_after_a_dropped_connection(
                lambda: database.client.drop_database(settings.db_name)
            )
        finally:  # closed even when the drop fails, or the next test sees its sockets
            await database.close()


@pytest.fixture
def raw_client(database: Database) -> AsyncMongoClient[MongoDocument]:
    """The PyMongo client of this test, for looking at documents directly."""
    return database.client


@pytest.fixture
def app(settings: Settings, database: Database) -> Litestar:
    """The API on this test's database."""
    return create_app(settings, expected_migrations=EXPECTED_MIGRATIONS)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    """An HTTP client running the app in this test's event loop."""
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


def pytest_sessionfinish(session: pytest.Session) -> None:
    """In a worker of `pytest -n`: hand the fault tally to the controller."""
    output = getattr(session.config, "workeroutput", None)
    if output is not None:
        output["fault_tally"] = TALLY.as_dict()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """In the controller of `pytest -n`: add a finished worker's fault tally."""
    tally = getattr(node, "workeroutput", {}).get("fault_tally")
    if tally:
        TALLY.add(tally)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The fault tally after a run that injected faults."""
    if TALLY.failpoints:
        terminalreporter.write_line(TALLY.line())


@pytest.fixture
def recorder(db_name: str) -> Iterator[CommandRecorder]:
    """The commands sent to this test's database (by clients made after it)."""
    try:
        yield command_recorder(db_name)
    finally:
        stop_recording()

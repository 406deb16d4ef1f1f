"""The benchmarks' database time by kind of command (`bench.harness.command_times`), as a
`profiles` command in its own process reports it."""

from collections.abc import Iterator

import pytest
from pymongo import MongoClient

from bench.harness import command_times
from bench.harness.processes import run_profiles


@pytest.fixture
def empty_db(mongodb_url: str, db_name: str) -> Iterator[str]:
    """The name of a database that holds nothing yet, dropped afterwards."""
    yield db_name
    client: MongoClient[dict[str, object]] = MongoClient(mongodb_url)
    client.drop_database(db_name)
    client.close()


def test_a_profiles_command_reports_its_commands_by_kind(mongodb_url: str, empty_db: str) -> None:
    done = run_profiles(["migrate", "up", "--to", "1"], url=mongodb_url, db_name=empty_db)

    # 0001 on an empty database: it reads the states and the lock, takes the lock,
    # builds its indexes and records itself applied
    kinds = done.commands
    assert kinds["reads"][0] >= 1 and kinds["writes"][0] >= 2, kinds
    assert kinds["index builds"][0] >= 3, kinds
    assert 0 < command_times.seconds(kinds) < done.seconds
    assert command_times.text(kinds).startswith("reads ")

"""The database counters: a client of `create_client` counts its commands, their
failures and its pool's connections in the default registry that `/metrics` serves."""

import pytest
from prometheus_client import REGISTRY, generate_latest
from pymongo.errors import OperationFailure

from service.platform.db import create_client
from service.platform.db_monitoring import OTHER, command_label

COMMANDS = "profiles_database_commands_total"
FAILURES = "profiles_database_command_failures_total"
CREATED = "profiles_database_connections_created_total"
CLOSED = "profiles_database_connections_closed_total"


def value(name: str, command: str | None = None) -> float:
    """A sample of the default registry (0 when the series does not exist yet)."""
    labels = {} if command is None else {"command": command}
    return REGISTRY.get_sample_value(name, labels) or 0.0


def snapshot() -> dict[str, float]:
    """The samples the tests look at, by a short name."""
    return {
        "find": value(COMMANDS, "find"),
        "insert": value(COMMANDS, "insert"),
        "other": value(COMMANDS, OTHER),
        "dropDatabase": value(COMMANDS, "dropDatabase"),
        "find failed": value(FAILURES, "find"),
        "other failed": value(FAILURES, OTHER),
        "created": value(CREATED),
        "closed": value(CLOSED),
    }


def moved(before: dict[str, float]) -> dict[str, float]:
    """What moved since `before`, only the samples that did."""
    after = snapshot()
    return {key: after[key] - before[key] for key in after if after[key] != before[key]}


@pytest.mark.parametrize("finds", [1, 7])
async def test_serial_finds_are_counted_once_each_on_one_connection(
    mongodb_url: str, db_name: str, finds: int
) -> None:
    before = snapshot()
    client = create_client(mongodb_url, 5000)
    try:
        collection = client[db_name]["things"]
        await collection.insert_one({"n": 1})
        for _ in range(finds):
            assert await collection.find_one({"n": 1}) is not None
        during = moved(before)
        await client.drop_database(db_name)
    finally:
        await client.close()
    assert during == {"insert": 1, "find": finds, "created": 1}
    expected = {"insert": 1, "find": finds, "created": 1, "dropDatabase": 1, "closed": 1}
    assert moved(before) == expected


async def test_failures_are_counted_and_unknown_names_share_one_label(
    mongodb_url: str, db_name: str
) -> None:
    before = snapshot()
    client = create_client(mongodb_url, 5000)
    try:
        with pytest.raises(OperationFailure):
            await client[db_name].command("noSuchCommandAnywhere")
        with pytest.raises(OperationFailure):
            await client[db_name]["things"].find_one({"$noSuchOperator": 1})
    finally:
        await client.close()
    assert moved(before) == {
        "other": 1,
        "other failed": 1,
        "find": 1,
        "find failed": 1,
        "created": 1,
        "closed": 1,
    }
    assert REGISTRY.get_sample_value(COMMANDS, {"command": "noSuchCommandAnywhere"}) is None


def test_a_command_name_is_its_own_label_only_when_listed() -> None:
    assert command_label("find") == "find"
    assert command_label("getMore") == "getMore"
    assert command_label("noSuchCommandAnywhere") == OTHER


def test_metrics_shows_the_counters() -> None:
    exposed = generate_latest(REGISTRY).decode()
    for name in (COMMANDS, FAILURES, CREATED, CLOSED):
        assert f"# TYPE {name} counter" in exposed
    assert f'{COMMANDS}{{command="aggregate"}}' in exposed

"""Counters of what the service asks of the database, for `/metrics` (the default
Prometheus registry): commands started and failed by command name, connections created
and closed. Every client `service.platform.db.create_client` makes reports to them.

- `profiles_database_commands_total{command}`: commands sent (`find`, `getMore`,
  `aggregate`, `insert`, ...). The label is one of `COMMAND_NAMES`, or `other` for a
  command not listed, so a stray name cannot add series;
- `profiles_database_command_failures_total{command}`: those that failed (an error
  reply, a network error or a timeout while waiting for the reply);
- `profiles_database_connections_created_total` and
  `profiles_database_connections_closed_total`: connections of the clients' pools (not
  the monitors' own sockets). Created minus closed is the connections open.

The listeners run on every command and on every check-out of a connection, inside the
caller's task: each does a dictionary lookup and increments a counter, no more.
"""

from prometheus_client import Counter
from pymongo import monitoring

COMMAND_NAMES = frozenset(
    {
        "abortTransaction",
        "aggregate",
        "buildInfo",
        "collMod",
        "commitTransaction",
        "count",
        "create",
        "createIndexes",
        "delete",
        "distinct",
        "drop",
        "dropDatabase",
        "dropIndexes",
        "endSessions",
        "explain",
        "find",
        "findAndModify",
        "getMore",
        "hello",
        "insert",
        "isMaster",
        "killCursors",
        "listCollections",
        "listDatabases",
        "listIndexes",
        "ping",
        "serverStatus",
        "update",
    }
)
"""The command names counted under their own label; any other is `other`."""
OTHER = "other"

COMMANDS = Counter(
    "profiles_database_commands",
    "Database commands sent, by command name (other: not a listed name)",
    ["command"],
)
COMMAND_FAILURES = Counter(
    "profiles_database_command_failures",
    "Database commands that failed (error reply or network error), by command name",
    ["command"],
)
CONNECTIONS_CREATED = Counter(
    "profiles_database_connections_created",
    "Connections the database clients' pools opened",
)
CONNECTIONS_CLOSED = Counter(
    "profiles_database_connections_closed",
    "Connections the database clients' pools closed",
)


def command_label(name: str) -> str:
    """The label a command is counted under: its name when listed, else `other`."""
    return name if name in COMMAND_NAMES else OTHER


class CommandCounter(monitoring.CommandListener):
    """Counts each command as it starts, and each failure."""

    def __init__(self) -> None:
        labels = [*COMMAND_NAMES, OTHER]
        # the children made once: a lookup per command instead of `labels()`'s checks
        self._started = {name: COMMANDS.labels(name) for name in labels}
        self._failed = {name: COMMAND_FAILURES.labels(name) for name in labels}
        self._other_started = self._started[OTHER]
        self._other_failed = self._failed[OTHER]

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self._started.get(event.command_name, self._other_started).inc()

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        self._failed.get(event.command_name, self._other_failed).inc()


class ConnectionCounter(monitoring.ConnectionPoolListener):
    """Counts the connections pools create and close; every other pool event is
    ignored (PyMongo calls a pool listener for all of them)."""

    def connection_created(self, event: monitoring.ConnectionCreatedEvent) -> None:
        CONNECTIONS_CREATED.inc()

    def connection_closed(self, event: monitoring.ConnectionClosedEvent) -> None:
        CONNECTIONS_CLOSED.inc()

    def pool_created(self, event: monitoring.PoolCreatedEvent) -> None:
        pass

    def pool_ready(self, event: monitoring.PoolReadyEvent) -> None:
        pass

    def pool_cleared(self, event: monitoring.PoolClearedEvent) -> None:
        pass

    def pool_closed(self, event: monitoring.PoolClosedEvent) -> None:
        pass

    def connection_ready(self, event: monitoring.ConnectionReadyEvent) -> None:
        pass

    def connection_check_out_started(
        self, event: monitoring.ConnectionCheckOutStartedEvent
    ) -> None:
        pass

    def connection_check_out_failed(self, event: monitoring.ConnectionCheckOutFailedEvent) -> None:
        pass

    def connection_checked_out(self, event: monitoring.ConnectionCheckedOutEvent) -> None:
        pass

    def connection_checked_in(self, event: monitoring.ConnectionCheckedInEvent) -> None:
        pass


LISTENERS: tuple[monitoring.CommandListener | monitoring.ConnectionPoolListener, ...] = (
    CommandCounter(),
    ConnectionCounter(),
)
"""The listeners every client of the service gets (one set per process: the counters
are the process's)."""

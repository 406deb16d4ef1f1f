"""The database a command works on: the configured one, the embedded one this process
starts (and stops), or the embedded one another process on the same data directory
already runs (joined: used here, stopped only by its owner); and how to reach it from
another shell."""

import asyncio
import logging
import shlex
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

from pymongo.errors import InvalidURI, PyMongoError
from pymongo.uri_parser import parse_uri

from migrations.context import server_has_transactions
from service.cli.errors import CommandError
from service.platform.config import Settings
from service.platform.embedded import JoinedDatabase, open_embedded
from service.platform.probe import server_reply

logger = logging.getLogger("profiles")


def require_database(settings: Settings) -> None:
    """`CommandError` when there is no database to use: no `PROFILES_MONGODB_URL` and
    the embedded database off (as in the production image)."""
    if not settings.mongodb_url and not settings.embedded_db:
        raise CommandError(
            "PROFILES_MONGODB_URL is not set and the embedded database is off"
            " (PROFILES_EMBEDDED_DB=off): set PROFILES_MONGODB_URL to a MongoDB replica set"
        )


@contextmanager
def database_url(settings: Settings, port: int = 0) -> Iterator[str]:
    """The configured database URL, or the embedded database's for the block."""
    with served_database(settings, port, supervised=False) as (url, _):
        yield url


@contextmanager
def served_database(
    settings: Settings, port: int = 0, *, supervised: bool = True
) -> Iterator[tuple[str, Callable[[], bool]]]:
    """The database URL and whether it is alive: the configured one (always alive as
    far as this process can tell); the embedded one of `PROFILES_DATA_DIR` that another
    process runs (joined, likewise); or one started for the block and, when
    `supervised`, restarted whenever it dies."""
    if settings.mongodb_url:
        yield settings.mongodb_url, lambda: True
        return
    storage = settings.data_dir / "db"
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    database = open_embedded(
        storage, port=port or settings.embedded_db_port, log_path=settings.data_dir / "db.log"
    )
    if isinstance(database, JoinedDatabase):
        logger.info(
            "joined the embedded database of process %s at %s (data in %s); it stops when"
            " that process does",
            database.owner_pid,
            database.url,
            storage,
        )
        yield database.url, lambda: True
        return
    try:
        logger.info("embedded database at %s (data in %s)", database.url, storage)
        if supervised:
            database.supervise(settings.embedded_restart_max_backoff_seconds)
        yield database.url, database.alive
    finally:
        database.stop()


def how_to_reach(settings: Settings, url: str) -> tuple[str, str]:
    """The two `export` lines that reach the embedded database at `url` from another
    shell: the data directory (`profiles` commands join the database and sign with the
    server's secret), and the URL itself (for any client)."""
    return (
        f"export PROFILES_DATA_DIR={shlex.quote(str(settings.data_dir.absolute()))}",
        f"export PROFILES_MONGODB_URL={shlex.quote(url)}",
    )


def check_database(url: str, timeout_ms: int, *, transactions: bool = True) -> None:
    """`CommandError` naming the hosts (never the credentials) unless the server answers
    and, when `transactions`, runs them (a replica set or a sharded cluster: every write
    of the service is a transaction, and a standalone server would refuse each one)."""
    try:
        hosts = ", ".join(f"{host}:{port}" for host, port in parse_uri(url)["nodelist"])
    except (InvalidURI, ValueError) as error:
        raise CommandError(f"PROFILES_MONGODB_URL is not a MongoDB URL: {error}") from error
    try:
        hello = asyncio.run(server_reply(url, "hello", timeout_ms))
    except PyMongoError as error:
        raise CommandError(
            f"cannot reach the database at {hosts} within {timeout_ms} ms ({type(error).__name__})"
        ) from error
    if transactions and not server_has_transactions(hello):
        raise CommandError(
            f"the database at {hosts} runs no transactions (a standalone server): the service"
            " needs a replica set or a sharded cluster (a one-node replica set will do)"
        )


def run_database(settings: Settings, port: int) -> None:
    """Run the embedded database in the foreground (or join the one another process
    runs on the same data directory) until SIGTERM / SIGINT: print its URL, then the
    settings that reach it from another shell."""
    if not settings.embedded_db:
        raise CommandError("the embedded database is off (PROFILES_EMBEDDED_DB=off)")
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    with database_url(settings.model_copy(update={"mongodb_url": None}), port) as url:
        data_dir, url_line = how_to_reach(settings, url)
        print(url)
        print("# from another shell, `profiles` commands join this database with:")
        print(data_dir)
        print("# any client reaches it with (`profiles serve` and `token` then need")
        print("# PROFILES_JWT_SECRET as well):")
        print(url_line, flush=True)
        stop.wait()

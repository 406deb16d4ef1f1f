"""The embedded database: SecantusDB started as a child process.

It runs in its own interpreter, so the service and the database never share one event
loop or GIL. Used by `make run` (data kept in `PROFILES_DATA_DIR`) and by the tests
(`:memory:`). One process owns a data directory's database (`data_directory`); another
process on the same directory joins it (`open_embedded`) and never stops it.
"""

import asyncio
import ctypes
import ctypes.util
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import IO

from pymongo.errors import PyMongoError
from pymongo.uri_parser import parse_uri

from service.platform.data_directory import (
    DataDirectoryInUse,
    DataDirectoryOwner,
    end_stale_databases,
)
from service.platform.probe import server_reply


class EmbeddedDatabaseError(RuntimeError):
    """The embedded database could not be started."""


class OwnedElsewhere(EmbeddedDatabaseError):
    """Another live process owns the data directory: its pid and its database's URL as
    its record names them (None while it is still starting its database)."""

    def __init__(self, message: str, *, pid: int | None, url: str | None) -> None:
        super().__init__(message)
        self.pid = pid
        self.url = url


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def answers(url: str, timeout_ms: int = 300) -> bool:
    """True when the server at `url` answers `ping` within `timeout_ms`
    (`service.platform.probe`), asked in a thread of its own, so that any caller may
    ask, one running an event loop too."""
    answered: list[bool] = []

    def probe() -> None:
        answered.append(asyncio.run(_pings(url, timeout_ms)))

    thread = threading.Thread(target=probe, name="profiles-db-ping", daemon=True)
    thread.start()
    thread.join()
    return answered == [True]


async def _pings(url: str, timeout_ms: int) -> bool:
    # nothing at all while the port takes no connection (a client closed while its
    # monitor connects leaves the socket to the garbage collector, and this is asked
    # every 0.1 s while the database starts)
    host, port = parse_uri(url)["nodelist"][0]
    try:
        socket.create_connection((host, port), timeout=timeout_ms / 1000).close()
    except OSError:
        return False
    try:
        await server_reply(url, "ping", timeout_ms)
    except PyMongoError:
        return False
    return True


FAILURES_BEFORE_DEAD = 3
"""Restarts in a row that may fail before the service reports itself not alive."""

logger = logging.getLogger("profiles")

PR_SET_PDEATHSIG = 1


def _dies_with(parent: int) -> Callable[[], None] | None:
    """What the database's process runs before it starts (Linux): a SIGTERM when its
    parent dies, however it dies (`kill -9` included), so the database cannot outlive
    the service and keep the data directory from the next one. Elsewhere: nothing."""
    if not sys.platform.startswith("linux"):
        return None
    libc_name = ctypes.util.find_library("c") or "libc.so.6"

    def arm() -> None:
        libc = ctypes.CDLL(libc_name, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died before the signal was armed
            os._exit(1)

    return arm


PRIVATE_FILE = 0o600
PRIVATE_DIRECTORY = 0o700


def _private_directory(path: Path) -> None:
    """`path` created if need be, and it and everything below it its user's alone
    (files an earlier release left readable to others included)."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIRECTORY)
    path.chmod(PRIVATE_DIRECTORY)
    for below in path.rglob("*"):
        below.chmod(PRIVATE_DIRECTORY if below.is_dir() else PRIVATE_FILE)


def _private_log(path: str | Path) -> IO[bytes]:
    """The log file, appended to, readable by its user alone."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE)
    os.chmod(path, PRIVATE_FILE)
    return os.fdopen(descriptor, "ab")


def _server_executable() -> str:
    beside = Path(sys.executable).with_name("secantusd-py")
    if beside.exists():
        return str(beside)
    found = shutil.which("secantusd-py")
    if found is None:
        raise EmbeddedDatabaseError("secantusd-py not found: run `make install` first")
    return found


class EmbeddedDatabase:
    """A SecantusDB server on 127.0.0.1, started on `start()` and stopped on `stop()`."""

    def __init__(
        self,
        storage_path: Path | str,
        *,
        port: int = 0,
        test_commands: bool = False,
        standalone: bool = False,
        log_path: Path | None = None,
    ) -> None:
        memory = str(storage_path) == ":memory:"
        self.storage_path = str(storage_path) if memory else str(Path(storage_path).absolute())
        self.port = port or free_port()
        self.test_commands = test_commands
        self.standalone = standalone
        self.log_path = log_path
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._stopping = threading.Event()
        self._failures = 0
        self._owner: DataDirectoryOwner | None = None

    @property
    def url(self) -> str:
        """The `mongodb://` URL of the running server."""
        return f"mongodb://127.0.0.1:{self.port}/?directConnection=true"

    def start(self, timeout: float = 60.0) -> "EmbeddedDatabase":
        """Start the server and return once it answers `ping`. A data directory is
        owned first (`EmbeddedDatabaseError` while another live process owns it), and a
        database its dead owner left serving it is ended (`data_directory`)."""
        if self.storage_path != ":memory:":
            self._own(Path(self.storage_path))
            _private_directory(Path(self.storage_path))
        command = [
            _server_executable(),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--storage-path",
            self.storage_path,
            "--log-level",
            "WARNING",
        ]
        if self.test_commands:
            command.append("--enable-test-commands")
        if self.standalone:
            command.append("--standalone")  # no replica set: no transactions
        if self._log is not None:  # a restart: the previous run's handle
            self._log.close()
        self._log = _private_log(self.log_path) if self.log_path else None
        output = self._log if self._log is not None else subprocess.DEVNULL
        # a process group of its own: a Ctrl-C (SIGINT to the terminal's foreground group)
        # reaches the service, which drains its requests and then stops the database;
        # the database must not die first under requests still in flight
        # umask 077: the files the database writes are its user's alone (0600 / 0700),
        # as the signing secret beside them is
        self._process = subprocess.Popen(  # noqa: S603
            command,
            stdout=output,
            stderr=output,
            process_group=0,
            umask=0o077,
            preexec_fn=_dies_with(os.getpid()),
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise EmbeddedDatabaseError(
                    f"the embedded database exited with code {self._process.returncode}"
                    f" (storage {self.storage_path}, port {self.port}: is the port in use?);"
                    f" its log: {self.log_path or 'none kept'}"
                )
            if answers(self.url):
                owner = self._owner
                if owner is not None:
                    owner.record(self.url)
                return self
            time.sleep(0.1)
        self._end_process()  # the caller decides whether to try again (`supervise`) or stop
        raise EmbeddedDatabaseError(f"the embedded database did not answer within {timeout:.0f}s")

    def _own(self, storage: Path) -> None:
        if self._owner is not None:
            return  # a restart: owned since the first start
        try:
            self._owner = DataDirectoryOwner.take(storage)
        except DataDirectoryInUse as error:
            raise OwnedElsewhere(str(error), pid=error.pid, url=error.url) from error
        try:
            ended = end_stale_databases(storage)
        except DataDirectoryInUse as error:
            self._owner.release()
            self._owner = None
            raise EmbeddedDatabaseError(str(error)) from error
        for pid in ended:
            logger.warning("ended the database (pid %s) a dead owner left serving %s", pid, storage)

    def supervise(self, max_backoff_seconds: float = 30.0) -> None:
        """Restart the server whenever it dies (with a backoff from 0.5 s to
        `max_backoff_seconds`), from a daemon thread, until `stop`. After
        `FAILURES_BEFORE_DEAD` restarts in a row have failed, `alive` is False (the
        service's liveness probe fails, so an orchestrator restarts it); it is True again
        once a restart succeeds."""
        self._stopping.clear()
        thread = threading.Thread(
            target=self._watch, args=(max_backoff_seconds,), name="embedded-db", daemon=True
        )
        thread.start()

    def alive(self) -> bool:
        """False once the server is dead and could not be restarted."""
        return self._failures < FAILURES_BEFORE_DEAD

    def _watch(self, max_backoff_seconds: float) -> None:
        backoff = 0.5
        while not self._stopping.wait(0.2):
            process = self._process
            if process is None or process.poll() is None:
                continue
            logger.warning(
                "the embedded database exited (code %s); restarting it", process.returncode
            )
            while not self._stopping.is_set():
                try:
                    self.start()
                except EmbeddedDatabaseError as error:
                    self._failures += 1
                    logger.error("restarting the embedded database failed: %s", error)
                    if self._stopping.wait(backoff):
                        return
                    backoff = min(backoff * 2, max_backoff_seconds)
                    continue
                if self._stopping.is_set():  # stopped while it restarted
                    self.stop()
                    return
                logger.warning("the embedded database is back at %s", self.url)
                self._failures, backoff = 0, 0.5
                break

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after a grace period) and its
        supervision, and give the data directory up."""
        self._stopping.set()
        self._end_process()
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._owner is not None:
            self._owner.release()
            self._owner = None

    def _end_process(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def __enter__(self) -> "EmbeddedDatabase":
        try:
            return self.start()
        except BaseException:
            self.stop()  # gives the data directory up
            raise

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class JoinedDatabase:
    """The embedded database another live process owns and serves from the same data
    directory: used here, stopped only by its owner."""

    def __init__(self, url: str, owner_pid: int | None) -> None:
        self.url = url
        self.owner_pid = owner_pid


def open_embedded(
    storage_path: Path, *, port: int = 0, log_path: Path | None = None, join_within: float = 60.0
) -> EmbeddedDatabase | JoinedDatabase:
    """The embedded database of `storage_path`: started here (and owned: stop it), or,
    when another live process owns the directory, that process's database, found by
    the URL its record names and checked by connecting (waiting up to `join_within`
    seconds while it starts or restarts)."""
    deadline = time.monotonic() + join_within
    while True:
        database = EmbeddedDatabase(storage_path, port=port, log_path=log_path)
        try:
            return database.start()
        except OwnedElsewhere as owned:
            if owned.url is not None and answers(owned.url):
                return JoinedDatabase(owned.url, owned.pid)
            if time.monotonic() >= deadline:
                raise EmbeddedDatabaseError(
                    f"{owned}, which did not answer within {join_within:.0f}s; stop it first"
                ) from owned
            time.sleep(0.2)
        except BaseException:
            database.stop()
            raise

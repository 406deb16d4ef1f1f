"""The embedded database lives and dies with the service that started it."""

import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from pymongo import MongoClient

from service.platform.embedded import _server_executable, answers, free_port
from tests.helpers import token
from tests.serving import PROFILES, children, gone, start_serve, stop, wait_for


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal: Linux")
def test_the_database_does_not_outlive_a_killed_service(tmp_path: Path) -> None:
    service, _ = start_serve(tmp_path, {})
    try:
        databases = children(service.pid)
        assert databases, "the embedded database runs as a child of the service"
        service.send_signal(signal.SIGKILL)
        service.wait(timeout=10)
        deadline = time.monotonic() + 20  # the database's own shutdown; usually < 1 s
        while not all(gone(pid) for pid in databases):
            assert time.monotonic() < deadline, "the embedded database outlived the service"
            time.sleep(0.1)
    finally:
        if service.poll() is None:
            service.kill()


@contextmanager
def _squatting(service: int, port: int) -> Iterator[socket.socket]:
    """A socket bound to `port` after the service's database on it was killed. Until
    the service closes its side of the dead database's connections, the kernel may keep
    the port (their server ends wait in FIN_WAIT2), and the service may restart the
    database on it meanwhile: kill whatever runs and try again until the port is ours."""
    squatter = socket.socket()
    squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    deadline = time.monotonic() + 30
    try:
        while True:
            for database in children(service):
                os.kill(database, signal.SIGKILL)
                while not gone(database):
                    time.sleep(0.01)
            try:
                squatter.bind(("127.0.0.1", port))
                break
            except OSError:
                assert time.monotonic() < deadline, "the port never came free"
                time.sleep(0.05)
        yield squatter
    finally:
        squatter.close()


def _lines_until(process: subprocess.Popen[str], start: str, within: float) -> list[str]:
    """The lines `process` prints up to the first starting with `start` (read as they
    come, by a thread, for at most `within` seconds in all); the test fails if it ends or
    waits longer."""
    assert process.stdout is not None
    stdout = process.stdout
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        with stdout:  # closed here at its end, by the only reader
            for line in stdout:
                lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + within
    seen: list[str] = []
    while not seen or not seen[-1].startswith(start):
        try:
            seen.append(lines.get(timeout=max(0.0, deadline - time.monotonic())).rstrip("\n"))
        except queue.Empty:
            raise AssertionError(f"no {start!r} line within {within} s: {seen}") from None
    return seen


def _database_port(pid: int) -> int:
    arguments = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    return int(arguments[arguments.index(b"--port") + 1])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_dead_database_is_restarted_and_liveness_fails_while_it_cannot_be(
    tmp_path: Path,
) -> None:
    service, base = start_serve(tmp_path, {"PROFILES_EMBEDDED_RESTART_MAX_BACKOFF_SECONDS": "1"})
    try:
        headers = {"Authorization": f"Bearer {token('phoenix')}"}
        onboarded = httpx.post(
            f"{base}/v1/me/onboarding", json={"profileType": "dancer"}, headers=headers
        )
        assert onboarded.status_code == 201, onboarded.text
        (database,) = children(service.pid)
        port = _database_port(database)

        # killed: it comes back by itself, and the same service writes and reads again
        # (what a SIGKILL of the database does to writes it acknowledged just before is
        # the database's own durability, not this test's subject)
        os.kill(database, signal.SIGKILL)
        wait_for(service, f"{base}/health/ready", 200, 60, tmp_path)
        again = httpx.post(
            f"{base}/v1/me/onboarding", json={"profileType": "dancer"}, headers=headers
        )
        assert again.status_code in (200, 201), again.text
        assert httpx.get(f"{base}/v1/me", headers=headers).status_code == 200
        assert httpx.get(f"{base}/health/live").status_code == 200

        # killed while its port is taken: it cannot come back, and liveness says so
        with _squatting(service.pid, port) as squatter:
            squatter.listen()
            wait_for(service, f"{base}/health/live", 503, 60, tmp_path)
        # the port is free again: the next attempt brings it back, and liveness with it
        wait_for(service, f"{base}/health/live", 200, 60, tmp_path)
        wait_for(service, f"{base}/health/ready", 200, 60, tmp_path)
    finally:
        stop(service)


def _orphan_database(storage: Path, port: int) -> "subprocess.Popen[bytes]":
    """A database serving `storage` with no owner, as a service killed where the
    parent-death signal does not exist (or an older release) leaves it."""
    server = _server_executable()
    database = subprocess.Popen(  # noqa: S603 (our own command)
        [server, "--host", "127.0.0.1", "--port", str(port), "--storage-path", str(storage)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    client: MongoClient[dict[str, object]] = MongoClient(
        f"mongodb://127.0.0.1:{port}/?directConnection=true", serverSelectionTimeoutMS=30000
    )
    try:
        client.left.behind.insert_one({"_id": "written before the crash"})
    finally:
        client.close()
    return database


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_database_its_dead_owner_left_is_taken_over(tmp_path: Path) -> None:
    """A database still serves the data directory but nobody owns it: the next `profiles
    serve` ends it (cleanly: what it held is kept) and starts its own."""
    storage = tmp_path / "data" / "db"
    orphan = _orphan_database(storage, free_port())
    bystander = subprocess.Popen(  # noqa: S603 (names the directory but is no database)
        [sys.executable, "-c", "import time; time.sleep(120)", "--storage-path", str(storage)]
    )
    service = None
    try:
        service, base = start_serve(tmp_path, {})
        assert orphan.wait(timeout=5) == 0  # ended by SIGTERM, shut down on its own
        assert bystander.poll() is None
        (database,) = children(service.pid)
        client: MongoClient[dict[str, object]] = MongoClient(
            f"mongodb://127.0.0.1:{_database_port(database)}/?directConnection=true"
        )
        try:
            assert client.left.behind.find_one() == {"_id": "written before the crash"}
        finally:
            client.close()
        assert "ended the database" in (tmp_path / "serve.log").read_text()
        assert httpx.get(f"{base}/health/ready").status_code == 200
    finally:
        if service is not None:
            stop(service)
        for process in (orphan, bystander):
            if process.poll() is None:
                process.kill()
                process.wait()


def _record(data: Path) -> dict[str, object]:
    """What the data directory's owner file says (empty once its owner stopped)."""
    text = (data / "db.owner").read_text()
    return json.loads(text) if text else {}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_second_serve_and_db_join_the_running_database(tmp_path: Path) -> None:
    """A second `profiles serve` and a `profiles db` on the data directory of a running
    `serve` use its database (found from the directory, checked by connecting) and start
    none of their own; stopping them leaves it running, and only its owner stops it. An
    owner killed with SIGKILL leaves a record that the next `serve` replaces."""
    data = tmp_path / "data"
    first, base = start_serve(tmp_path, {})
    second_dir = tmp_path / "second"
    second_dir.mkdir()
    second = None
    try:
        (database,) = children(first.pid)
        url = f"mongodb://127.0.0.1:{_database_port(database)}/?directConnection=true"
        assert _record(data) == {"pid": first.pid, "url": url}

        second, second_base = start_serve(second_dir, {"PROFILES_DATA_DIR": str(data)})
        assert children(second.pid) == [], "the second serve started a database of its own"
        told = (second_dir / "serve.log").read_text()
        assert f"joined the embedded database of process {first.pid} at {url}" in told
        assert f"export PROFILES_DATA_DIR={data}" in told
        headers = {"Authorization": f"Bearer {token('joiner')}"}
        onboarded = httpx.post(
            f"{base}/v1/me/onboarding", json={"profileType": "dancer"}, headers=headers
        )
        assert onboarded.status_code == 201, onboarded.text
        seen = httpx.get(f"{second_base}/v1/me/profiles/active", headers=headers)
        assert seen.status_code == 200, seen.text
        assert seen.json()["id"] == onboarded.json()["id"]

        joined_db = subprocess.Popen(  # noqa: S603 (our own command)
            [str(PROFILES), "db"],
            env={
                **{k: v for k, v in os.environ.items() if not k.startswith("PROFILES_")},
                "PROFILES_DATA_DIR": str(data),
            },
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        printed = _lines_until(joined_db, "export PROFILES_MONGODB_URL=", within=60)
        joined_db.send_signal(signal.SIGTERM)  # once it has said how to reach the database
        code = joined_db.wait(timeout=60)  # its few lines of stderr fit the pipe
        assert joined_db.stderr is not None
        with joined_db.stderr:
            errors = joined_db.stderr.read()
        assert code == 0, errors
        assert printed[0] == url
        assert "Traceback" not in errors

        stop(second)
        assert second.returncode == 128 + signal.SIGTERM
        assert not gone(database), "a joined process stopped the owner's database"
        assert httpx.get(f"{base}/health/ready").status_code == 200
        assert _record(data) == {"pid": first.pid, "url": url}

        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        assert _record(data)["pid"] == first.pid  # left behind: stale
        again, again_base = start_serve(tmp_path / "second", {"PROFILES_DATA_DIR": str(data)})
        try:
            (own,) = children(again.pid)
            assert _record(data) == {
                "pid": again.pid,
                "url": f"mongodb://127.0.0.1:{_database_port(own)}/?directConnection=true",
            }
            assert httpx.get(f"{again_base}/v1/me", headers=headers).status_code == 200
        finally:
            stop(again)
        assert _record(data) == {}, "a clean stop leaves no record behind"
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                stop(process)


def test_asking_whether_the_database_answers_leaves_no_thread_behind(mongodb_url: str) -> None:
    """A command that joins an embedded database asks whether it answers; a client that
    leaves monitor threads running makes the interpreter wait for them at exit."""
    before = set(threading.enumerate())

    assert answers(mongodb_url)
    assert not answers(f"mongodb://127.0.0.1:{free_port()}/", timeout_ms=200)

    assert [thread.name for thread in set(threading.enumerate()) - before] == []

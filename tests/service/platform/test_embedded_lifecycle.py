"""The embedded database lives and dies with the service that started it."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.helpers import TEST_SECRET, token

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(child) for child in text]
    return found


def _gone(pid: int) -> bool:
    """Exited (or a zombie waiting to be reaped: it holds nothing any more)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in status


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal: Linux")
def test_the_database_does_not_outlive_a_killed_service(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PROFILES_")},
        "PROFILES_DATA_DIR": str(tmp_path / "data"),
        "PROFILES_JWT_SECRET": TEST_SECRET,
        "PROFILES_PORT": str(port),
    }
    log = (tmp_path / "serve.log").open("w")
    service = subprocess.Popen(  # noqa: S603 (our own command)
        [str(BIN / "profiles"), "serve"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health/ready", timeout=2).is_success:
                    break
            except httpx.TransportError:
                pass
            assert service.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, "the service did not become ready"
            time.sleep(0.2)
        databases = _children(service.pid)
        assert databases, "the embedded database runs as a child of the service"
        service.send_signal(signal.SIGKILL)
        service.wait(timeout=10)
        deadline = time.monotonic() + 20  # the database's own shutdown; usually < 1 s
        while not all(_gone(pid) for pid in databases):
            assert time.monotonic() < deadline, "the embedded database outlived the service"
            time.sleep(0.1)
    finally:
        if service.poll() is None:
            service.kill()
        log.close()


def _serve(tmp_path: Path, **env: str) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    settings = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PROFILES_")},
        "PROFILES_DATA_DIR": str(tmp_path / "data"),
        "PROFILES_JWT_SECRET": TEST_SECRET,
        "PROFILES_PORT": str(port),
        **env,
    }
    log = (tmp_path / "serve.log").open("w")
    service = subprocess.Popen(  # noqa: S603 (our own command)
        [str(BIN / "profiles"), "serve"], env=settings, stdout=log, stderr=subprocess.STDOUT
    )
    log.close()  # the child has its own descriptor
    base = f"http://127.0.0.1:{port}"
    _wait_for(service, f"{base}/health/ready", 200, 90, tmp_path)
    return service, base


def _wait_for(
    service: subprocess.Popen[bytes], url: str, status: int, seconds: float, tmp_path: Path
) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(url, timeout=2).status_code == status:
                return
        except httpx.TransportError:
            pass
        assert service.poll() is None, (tmp_path / "serve.log").read_text()
        assert time.monotonic() < deadline, f"{url} did not answer {status}"
        time.sleep(0.2)


def _database_port(pid: int) -> int:
    arguments = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    return int(arguments[arguments.index(b"--port") + 1])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_dead_database_is_restarted_and_liveness_fails_while_it_cannot_be(
    tmp_path: Path,
) -> None:
    service, base = _serve(tmp_path, PROFILES_EMBEDDED_RESTART_MAX_BACKOFF_SECONDS="1")
    try:
        headers = {"Authorization": f"Bearer {token('phoenix')}"}
        onboarded = httpx.post(
            f"{base}/v1/me/onboarding", json={"profileType": "dancer"}, headers=headers
        )
        assert onboarded.status_code == 201, onboarded.text
        (database,) = _children(service.pid)
        port = _database_port(database)

        # killed: it comes back by itself, and the same service writes and reads again
        # (what a SIGKILL of the database does to writes it acknowledged just before is
        # the database's own durability, not this test's subject)
        os.kill(database, signal.SIGKILL)
        _wait_for(service, f"{base}/health/ready", 200, 60, tmp_path)
        again = httpx.post(
            f"{base}/v1/me/onboarding", json={"profileType": "dancer"}, headers=headers
        )
        assert again.status_code in (200, 201), again.text
        assert httpx.get(f"{base}/v1/me", headers=headers).status_code == 200
        assert httpx.get(f"{base}/health/live").status_code == 200

        # killed while its port is taken: it cannot come back, and liveness says so
        (database,) = _children(service.pid)
        with socket.socket() as squatter:
            squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            os.kill(database, signal.SIGKILL)
            while not _gone(database):
                time.sleep(0.01)
            squatter.bind(("127.0.0.1", port))
            squatter.listen()
            _wait_for(service, f"{base}/health/live", 503, 60, tmp_path)
        # the port is free again: the next attempt brings it back, and liveness with it
        _wait_for(service, f"{base}/health/live", 200, 60, tmp_path)
        _wait_for(service, f"{base}/health/ready", 200, 60, tmp_path)
    finally:
        service.terminate()
        service.wait(timeout=30)

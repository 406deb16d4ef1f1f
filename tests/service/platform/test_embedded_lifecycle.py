"""The embedded database lives and dies with the service that started it."""

import os
import signal
import socket
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.helpers import token
from tests.serving import children, gone, start_serve, stop, wait_for


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
        (database,) = children(service.pid)
        with socket.socket() as squatter:
            squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            os.kill(database, signal.SIGKILL)
            while not gone(database):
                time.sleep(0.01)
            squatter.bind(("127.0.0.1", port))
            squatter.listen()
            wait_for(service, f"{base}/health/live", 503, 60, tmp_path)
        # the port is free again: the next attempt brings it back, and liveness with it
        wait_for(service, f"{base}/health/live", 200, 60, tmp_path)
        wait_for(service, f"{base}/health/ready", 200, 60, tmp_path)
    finally:
        stop(service)

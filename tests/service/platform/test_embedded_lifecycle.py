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

from tests.helpers import TEST_SECRET

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

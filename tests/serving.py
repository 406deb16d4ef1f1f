"""`profiles serve` as a child process of a test, and its children (the embedded
database) read off `/proc`."""

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from service.platform.embedded import free_port
from tests.helpers import TEST_SECRET

PROFILES = Path(sys.executable).parent / "profiles"


def start_serve(
    tmp_path: Path, env: dict[str, str], *, ready_within: float = 90
) -> tuple["subprocess.Popen[bytes]", str]:
    """`profiles serve` on a free port with the test secret, data in `tmp_path / "data"`
    and its output in `tmp_path / "serve.log"`, the caller's `PROFILES_*` variables left
    out and `env` on top; once `/health/ready` answers 200, with its base URL."""
    port = free_port()
    settings = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PROFILES_")},
        "PROFILES_DATA_DIR": str(tmp_path / "data"),
        "PROFILES_JWT_SECRET": TEST_SECRET,
        "PROFILES_PORT": str(port),
        **env,
    }
    with (tmp_path / "serve.log").open("w") as log:  # the child keeps its own descriptor
        service = subprocess.Popen(  # noqa: S603 (our own command)
            [str(PROFILES), "serve"], env=settings, stdout=log, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(service, f"{base}/health/ready", 200, ready_within, tmp_path)
    except BaseException:
        stop(service)
        raise
    return service, base


def wait_for(
    service: "subprocess.Popen[bytes]", url: str, status: int, seconds: float, tmp_path: Path
) -> None:
    """Poll `url` until it answers `status`; fail (with the service's log) when the
    service exits or `seconds` pass."""
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


def stop(service: "subprocess.Popen[bytes]") -> None:
    """SIGTERM, and wait for it to end."""
    if service.poll() is None:
        service.terminate()
        service.wait(timeout=30)


def children(pid: int) -> list[int]:
    """The process ids of `pid`'s children."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found.extend(int(child) for child in (task / "children").read_text().split())
        except OSError:
            continue
    return found


def gone(pid: int) -> bool:
    """Exited, or a zombie waiting to be reaped (it holds nothing any more)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True
    return "\nState:\tZ" in status

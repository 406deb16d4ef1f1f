"""The outside fuzzer, as an integrator runs it: Schemathesis' command line against the
served document of a running `profiles serve`, every check on, every phase (examples,
coverage, fuzzing, stateful), at the seed and example count of `schemathesis.toml`.
Zero failures; the cases it overrules are listed, with their reasons, in
`fuzz_hooks.py` alone."""

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from service.platform.config import Settings
from service.platform.db import Database
from tests.helpers import TEST_SECRET, token

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def served(settings: Settings, database: Database, tmp_path: Path) -> Iterator[str]:
    """`profiles serve` on this test's (migrated) database; its base URL."""
    assert settings.mongodb_url
    port = _free_port()
    env = {
        **os.environ,
        "PROFILES_MONGODB_URL": settings.mongodb_url,
        "PROFILES_DB_NAME": settings.db_name,
        "PROFILES_DATA_DIR": str(tmp_path / "data"),
        "PROFILES_JWT_SECRET": TEST_SECRET,
        "PROFILES_PORT": str(port),
        # the fuzzer sends thousands of requests as one caller
        "PROFILES_RATE_LIMIT_PER_SECOND": "0",
        "PROFILES_RATE_LIMIT_SEARCH_PER_SECOND": "0",
    }
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(  # noqa: S603 (our own command)
        [str(BIN / "profiles"), "serve"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/health/ready", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, "the server did not become ready"
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _schemathesis(served: str, caller: str, where: Path, *phases: str) -> None:
    tool = shutil.which("schemathesis", path=str(BIN))
    assert tool is not None, "schemathesis is a test dependency"
    result = subprocess.run(  # noqa: S603 (a tool of the test environment)
        [
            tool,
            "--config-file",
            str(HERE / "schemathesis.toml"),
            "run",
            f"{served}/schema/openapi.json",
            "--header",
            f"Authorization: Bearer {token(caller, ttl=3600)}",
            "--phases",
            ",".join(phases),
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=where,  # its example database and reports stay out of the checkout
        env={**os.environ, "PYTHONPATH": str(ROOT)},  # for the hooks module
        check=False,
    )
    summary = result.stdout[-3000:]
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-5000:]
    assert "failures" not in summary.splitlines()[-1], summary


def test_schemathesis_with_every_check_finds_nothing(served: str, tmp_path: Path) -> None:
    """The generated phases first, as a caller with no account (they onboard it, change
    it, and erase it); then the stateful phase as a caller holding both profiles, so its
    links lead from real profiles to their reads, updates and deletes."""
    _schemathesis(served, "fuzzer", tmp_path, "examples", "coverage", "fuzzing")
    caller = {"Authorization": f"Bearer {token('stateful-fuzzer', ttl=3600)}"}
    for path, body in (
        ("/v1/me/onboarding", {"profileType": "dancer", "displayName": "Stateful Dancer"}),
        ("/v1/me/profiles", {"profileType": "choreographer", "displayName": "Stateful Maker"}),
    ):
        assert httpx.post(f"{served}{path}", json=body, headers=caller).status_code == 201
    _schemathesis(served, "stateful-fuzzer", tmp_path, "stateful")

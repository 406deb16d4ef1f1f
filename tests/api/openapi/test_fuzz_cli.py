"""The outside fuzzer, as an integrator runs it: Schemathesis' command line against the
served document of a running `profiles serve`, every check on, at the seed of
`schemathesis.toml`. Zero failures; the cases it overrules are listed, with their
reasons, in `fuzz_hooks.py` alone.

The suite runs the examples, coverage and stateful phases here, the stateful one at
`PROFILES_FUZZ_EXAMPLES` cases (10; `schemathesis.toml` has the integrator's 30). The
fuzzing phase (random valid and invalid input for every operation) runs in process, with
the same checks and one more, in `tests/api/test_fuzz.py`; `PROFILES_FUZZ_PHASES=all`
runs it here as well."""

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from service.platform.config import Settings
from service.platform.db import Database
from tests.helpers import token
from tests.serving import start_serve, stop

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
BIN = Path(sys.executable).parent
EXAMPLES = int(os.environ.get("PROFILES_FUZZ_EXAMPLES", "10"))
ALL_PHASES = os.environ.get("PROFILES_FUZZ_PHASES") == "all"
GENERATED = ("examples", "coverage", "fuzzing") if ALL_PHASES else ("examples", "coverage")


@pytest.fixture
def served(settings: Settings, database: Database, tmp_path: Path) -> Iterator[str]:
    """`profiles serve` on this test's (migrated) database; its base URL."""
    assert settings.mongodb_url
    service, base = start_serve(
        tmp_path,
        {
            "PROFILES_MONGODB_URL": settings.mongodb_url,
            "PROFILES_DB_NAME": settings.db_name,
            # the fuzzer sends thousands of requests as one caller
            "PROFILES_RATE_LIMIT_PER_SECOND": "0",
            "PROFILES_RATE_LIMIT_SEARCH_PER_SECOND": "0",
        },
        ready_within=60,
    )
    try:
        yield base
    finally:
        stop(service)


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
            "--max-examples",
            str(EXAMPLES),
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
    _schemathesis(served, "fuzzer", tmp_path, *GENERATED)
    caller = {"Authorization": f"Bearer {token('stateful-fuzzer', ttl=3600)}"}
    for path, body in (
        ("/v1/me/onboarding", {"profileType": "dancer", "displayName": "Stateful Dancer"}),
        ("/v1/me/profiles", {"profileType": "choreographer", "displayName": "Stateful Maker"}),
    ):
        assert httpx.post(f"{served}{path}", json=body, headers=caller).status_code == 201
    _schemathesis(served, "stateful-fuzzer", tmp_path, "stateful")

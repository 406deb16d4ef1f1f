"""`profiles serve` on SIGTERM: uvicorn drains, then the embedded database is stopped
(it used to be left running: uvicorn re-raises SIGTERM, which killed the process before
the database was stopped). On the way: one access-log line per request, none of
uvicorn's."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from service.platform.embedded import free_port
from tests.serving import children, gone


def test_sigterm_drains_then_stops_the_embedded_database(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "PROFILES_DATA_DIR": str(tmp_path),
        "PROFILES_PORT": str(port),
        "PROFILES_JWT_SECRET": "s" * 40,
        "PROFILES_LOG_FORMAT": "json",
    }
    env.pop("PROFILES_MONGODB_URL", None)
    with open(tmp_path / "serve.log", "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "service.cli.main", "serve"], env=env, stdout=log, stderr=log
        )
    try:
        deadline = time.monotonic() + 90
        ready = False
        answered = 0
        while not ready and time.monotonic() < deadline:
            assert process.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/ready") as reply:
                    ready = reply.status == 200
                    answered += 1
            except urllib.error.HTTPError:  # an answer all the same (503)
                answered += 1
                time.sleep(0.2)
            except OSError:
                time.sleep(0.2)
        assert ready
        database = children(process.pid)
        assert len(database) == 1
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 128 + signal.SIGTERM
        assert gone(database[0])
        lines = (tmp_path / "serve.log").read_text().splitlines()
        assert any('"message": "stopping on signal 15"' in line for line in lines)
        assert any("Finished server process" in line for line in lines)
        # one access line per answered request, and none of uvicorn's own
        access = [json.loads(line) for line in lines if '"logger": "profiles.access"' in line]
        assert len(access) == answered
        assert {(line["route"], line["method"]) for line in access} == {("/health/ready", "GET")}
        assert access[-1]["status"] == 200
        assert not [line for line in lines if "uvicorn.access" in line]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

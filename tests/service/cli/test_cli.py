"""The `profiles` command: tokens, one-line errors, and the embedded database."""

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import jwt
import pytest
from pymongo import MongoClient
from pymongo.errors import ServerSelectionTimeoutError

from service.cli.main import main
from service.platform.config import Settings
from service.platform.embedded import free_port
from service.platform.secrets import SECRET_FILE, jwt_secret
from tests.helpers import TEST_SECRET

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No PROFILES_* setting leaks in from outside; data goes to this test's directory."""
    for name in list(os.environ):
        if name.startswith("PROFILES_"):
            monkeypatch.delenv(name)
    directory = tmp_path / "data"
    monkeypatch.setenv("PROFILES_DATA_DIR", str(directory))
    return directory


def decode(token: str, secret: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(token, secret, algorithms=["HS256"])
    return claims


def test_token_prints_a_token_signed_with_the_secret(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PROFILES_JWT_SECRET", TEST_SECRET)

    code = main(["token", "--sub", "x", "--role", "admin"])

    captured = capsys.readouterr()
    assert code == 0
    assert captured.err == ""
    lines = captured.out.splitlines()
    assert len(lines) == 1
    claims = decode(lines[0], TEST_SECRET)
    assert claims["sub"] == "x"
    assert claims["roles"] == ["admin"]
    assert claims["exp"] > time.time()


def test_token_with_embedded_database_uses_the_servers_generated_secret(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = jwt_secret(Settings())  # what `profiles serve` does on its first start

    code = main(["token", "--sub", "x", "--ttl", "60"])

    token = capsys.readouterr().out.strip()
    assert code == 0
    assert (data_dir / SECRET_FILE).read_text().strip() == secret
    claims = decode(token, secret)
    assert claims["sub"] == "x"
    assert claims["roles"] == []
    assert claims["exp"] - claims["iat"] == 60


def test_token_without_the_servers_secret_says_so_and_makes_none(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["token", "--sub", "x"])

    captured = capsys.readouterr()
    assert code == 1
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert "PROFILES_JWT_SECRET" in captured.err
    assert str((data_dir / SECRET_FILE).absolute()) in captured.err
    assert not (data_dir / SECRET_FILE).exists(), "a token signed with a secret no server uses"


@pytest.mark.parametrize(
    ("environment", "argv", "names"),
    [
        (
            {"PROFILES_MONGODB_URL": "mongodb://db.example.test:27017"},
            ["token", "--sub", "x", "--role", "admin"],
            "PROFILES_JWT_SECRET",
        ),
        ({"PROFILES_JWT_SECRET": TEST_SECRET}, ["token", "--sub", "x", "--ttl", "0"], "--ttl"),
        ({"PROFILES_JWT_SECRET": TEST_SECRET}, ["token", "--sub", "x", "--ttl", "-5"], "--ttl"),
        ({"PROFILES_PORT": "not-a-port"}, ["token", "--sub", "x"], "PROFILES_PORT"),
        ({"PROFILES_LOG_LEVEL": "verbose"}, ["token", "--sub", "x"], "PROFILES_LOG_LEVEL"),
    ],
    ids=["url-without-secret", "ttl-zero", "ttl-negative", "invalid-setting", "log-level"],
)
def test_expected_failures_are_one_line_on_stderr(
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    environment: dict[str, str],
    argv: list[str],
    names: str,
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)

    code = main(argv)

    captured = capsys.readouterr()
    assert code == 1
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("profiles: ")
    assert names in lines[0]
    assert "Traceback" not in captured.err


def read_line(process: "subprocess.Popen[str]", timeout: float) -> str:
    """The first line `process` prints, or "" if it prints none within `timeout`."""
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    return process.stdout.readline().strip() if ready else ""


def answers(url: str, timeout_ms: int) -> bool:
    client: MongoClient[dict[str, Any]] = MongoClient(url, serverSelectionTimeoutMS=timeout_ms)
    try:
        return bool(client.admin.command("ping")["ok"] == 1)
    except ServerSelectionTimeoutError:
        return False
    finally:
        client.close()


def test_db_serves_until_sigterm(tmp_path: Path) -> None:
    port = free_port()
    environment = {name: value for name, value in os.environ.items() if "PROFILES_" not in name}
    environment["PROFILES_DATA_DIR"] = str(tmp_path / "data")
    log_path = tmp_path / "cli.log"
    with (
        log_path.open("w") as log,
        subprocess.Popen(  # noqa: S603 (our own interpreter and module)
            [sys.executable, "-m", "service.cli.main", "db", "--port", str(port)],
            cwd=REPO,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        ) as process,
    ):
        try:
            url = read_line(process, timeout=60)
            assert url.startswith("mongodb://"), log_path.read_text()
            assert f":{port}" in url
            assert answers(url, timeout_ms=2000)
            assert process.stdout is not None  # the rest came with the URL, in one flush
            told = [process.stdout.readline().strip() for _ in range(5)]
            assert [line for line in told if line.startswith("export ")] == [
                f"export PROFILES_DATA_DIR={tmp_path / 'data'}",
                f"export PROFILES_MONGODB_URL='{url}'",
            ]

            process.send_signal(signal.SIGTERM)

            assert process.wait(timeout=20) == 0, log_path.read_text()
            assert not answers(url, timeout_ms=500), "the database outlived the command"
            assert (tmp_path / "data" / "db").is_dir()
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()

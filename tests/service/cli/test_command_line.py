"""The command line itself, as a shell runs it: every command in `--help`, `--version`,
and a reader that stops reading."""

import os
import subprocess
import threading
from importlib.metadata import version
from pathlib import Path

import pytest

from service.cli.database import check_database
from service.cli.main import build_parser
from service.cli.summary import commands
from tests.serving import PROFILES

CONTRACT_COMMANDS = {
    "serve",
    "db",
    "token",
    "flags",
    "openapi",
    "migrate status",
    "migrate up",
    "migrate down",
    "migrate verify",
    "migrate derive",
    "migrate issues",
    "migrate prune",
}
"""The commands the contract says `profiles --help` names (`derive` is the recompute
step)."""


def profiles_env(**settings: str) -> dict[str, str]:
    """The environment without the caller's `PROFILES_*` settings, `settings` on top."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith("PROFILES_")}
    return {**kept, **settings}


def run(*argv: str, **settings: str) -> "subprocess.CompletedProcess[str]":
    return subprocess.run(  # noqa: S603 (our own command)
        [str(PROFILES), *argv],
        env=profiles_env(**settings),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_help_lists_every_command_of_the_parser_on_one_line_each() -> None:
    shown = run("--help")

    assert shown.returncode == 0, shown.stderr
    listed = dict(commands(build_parser()))
    assert set(listed) >= CONTRACT_COMMANDS
    lines = shown.stdout.splitlines()
    for name, text in listed.items():
        assert text, f"`{name}` has no one-line help"
        matching = [line for line in lines if line.split(text)[0].split() == name.split()]
        assert len(matching) == 1, f"`{name}  {text}` is not one line of --help"


def test_version_is_the_package_version() -> None:
    shown = run("--version")

    assert shown.returncode == 0, shown.stderr
    assert shown.stdout == f"profiles {version('profiles')}\n"


def closed_reader(argv: list[str], env: dict[str, str]) -> "subprocess.CompletedProcess[str]":
    """`argv` writing into a pipe whose reader has already gone (`... | head -1` once
    `head` has its line), with its stderr and exit code."""
    process = subprocess.Popen(  # noqa: S603 (our own command)
        argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # before the interpreter has even started: every write fails
    stderr = process.stderr.read()
    process.stderr.close()
    return subprocess.CompletedProcess(argv, process.wait(timeout=60), "", stderr)


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["migrate", "--help"]])
def test_a_closed_pipe_ends_help_quietly(argv: list[str]) -> None:
    ended = closed_reader([str(PROFILES), *argv], profiles_env())

    assert ended.stderr == ""
    # 0: argparse found the pipe closed and let the text go; 1: the entry point's flush
    # did (the Python docs' convention); never 120, the interpreter failing at exit
    assert ended.returncode in (0, 1)


def test_a_closed_pipe_ends_migrate_status_quietly(mongodb_url: str, db_name: str) -> None:
    ended = closed_reader(
        [str(PROFILES), "migrate", "status"],
        profiles_env(PROFILES_MONGODB_URL=mongodb_url, PROFILES_DB_NAME=db_name),
    )

    assert "Traceback" not in ended.stderr
    assert "BrokenPipeError" not in ended.stderr
    assert ended.returncode == 1, ended.stderr


def test_head_of_help_in_a_shell(tmp_path: Path) -> None:
    """The pipeline itself: `head -1` gets the usage line, and nothing else is said."""
    shown = subprocess.run(  # noqa: S603 (our own command through the shell)
        ["/bin/sh", "-c", f"'{PROFILES}' --help | head -1"],
        env=profiles_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert shown.stdout.startswith("usage: profiles ")
    assert shown.stderr == ""


def test_checking_the_database_leaves_no_thread_behind(mongodb_url: str) -> None:
    """A command checks the database before its work; a client that leaves monitor
    threads running makes the interpreter wait for them at exit (up to half a second of
    every command)."""
    before = set(threading.enumerate())

    check_database(mongodb_url, 5000, transactions=False)

    assert [thread.name for thread in set(threading.enumerate()) - before] == []

"""Child processes of a benchmark and what `/proc` says about them.

`profiles serve` is started as the service runs in production-like use (its own
interpreter, uvicorn, the embedded database as its own child, a free port on 127.0.0.1,
a secret of its own, the rate limit off); other `profiles` commands (`migrate up`) run
through the command's entry point and report their own peak memory.
"""

import asyncio
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.harness import command_times
from bench.harness.server import free_port

Process = subprocess.Popen[bytes]
READY_TIMEOUT = 180.0
PROJECT_ROOT = Path(__file__).resolve().parents[2]
"""The folder that holds the `bench` package."""


@dataclass(frozen=True)
class Service:
    """A running `profiles serve`: its process, base URL and log file."""

    process: Process
    url: str
    log: Path


def start_service(
    data_dir: Path, secret: str, *, database_port: int = 0, env: Mapping[str, str] | None = None
) -> Service:
    """`profiles serve` on a free port, with the embedded database in `data_dir` (on
    `database_port` when given, so that the bench can reach it too), `secret` for its
    tokens, the rate limit off and JSON logs into `data_dir / "serve.log"`; `env`: more
    settings (`PROFILES_...`), over these."""
    port = free_port()
    settings = {
        **os.environ,
        "PROFILES_DATA_DIR": str(data_dir),
        "PROFILES_PORT": str(port),
        "PROFILES_HOST": "127.0.0.1",
        "PROFILES_JWT_SECRET": secret,
        "PROFILES_RATE_LIMIT_PER_SECOND": "0",
        "PROFILES_RATE_LIMIT_SEARCH_PER_SECOND": "0",
        "PROFILES_LOG_FORMAT": "json",
        "PROFILES_EMBEDDED_DB_PORT": str(database_port),
        **(env or {}),
    }
    settings.pop("PROFILES_MONGODB_URL", None)
    log = data_dir / "serve.log"
    command = [sys.executable, "-m", "service.cli.main", "serve"]
    return Service(start_logged(command, settings, log), f"http://127.0.0.1:{port}", log)


def start_logged(command: Sequence[str], env: Mapping[str, str], log: Path) -> Process:
    """`command` as a child process with `env`, its output appended to `log`."""
    with open(log, "ab") as output:
        return subprocess.Popen(command, env=dict(env), stdout=output, stderr=output)  # noqa: S603


async def wait_ready(client: httpx.AsyncClient, process: Process | None) -> float:
    """Seconds until `GET /health/ready` answers 200 through `client`; SystemExit when
    `process` exits first or after `READY_TIMEOUT`."""
    started = time.monotonic()
    while time.monotonic() - started < READY_TIMEOUT:
        if process is not None and process.poll() is not None:
            raise SystemExit(f"{process.args!r} exited with code {process.returncode}")
        try:
            if (await client.get("/health/ready")).status_code == 200:
                return time.monotonic() - started
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.25)
    raise SystemExit(f"not ready within {READY_TIMEOUT:.0f} s: {client.base_url}")


def stop(process: Process | None, timeout: float = 60.0) -> str:
    """SIGTERM, then SIGKILL after `timeout` seconds; says how it ended."""
    if process is None or process.poll() is not None:
        return "not running"
    stopping = time.monotonic()
    process.send_signal(signal.SIGTERM)
    try:
        code = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return f"did not stop within {timeout:.0f} s of SIGTERM: killed"
    return f"stopped (SIGTERM) in {time.monotonic() - stopping:.1f} s, exit {code}"


@dataclass(frozen=True)
class CommandRun:
    """A finished `profiles` command: seconds it took, its peak memory, its CPU time (user
    and system, starting Python included), its output."""

    seconds: float
    peak_kib: int
    output: str
    cpu_seconds: float = 0.0
    commands: command_times.Times = field(default_factory=dict)
    """its database time by kind of command (`bench.harness.command_times`)"""


# `profiles ...` through its entry point, reporting its own peak memory as it exits: the
# kernel's peak for a child (`ru_maxrss`) counts what the child held before `exec`, a
# copy of the benchmark, which grows with the data it loaded; `VmHWM` is the program's.
# Its commands are timed by kind (`bench.harness.command_times`) through a listener
# registered for every client the command makes.
_PROFILES_WITH_PEAK = """
import atexit, os, re, sys
from pathlib import Path
from pymongo import monitoring
from bench.harness.command_times import CommandTimes
from service.cli.main import main

times = CommandTimes(recording=True)
monitoring.register(times)

def report():
    status = open("/proc/self/status").read()
    with open(os.environ["BENCH_PEAK_FILE"], "w") as out:
        out.write(re.search(r"VmHWM:\\s+(\\d+)", status).group(1))
    times.save(Path(os.environ["BENCH_COMMANDS_FILE"]))

atexit.register(report)
sys.exit(main(sys.argv[1:]))
"""


def run_profiles(args: Sequence[str], *, url: str, db_name: str) -> CommandRun:
    """`profiles ARGS` against database `db_name` at `url`, in a child process, timed;
    SystemExit with its error output when it fails."""
    with (
        tempfile.NamedTemporaryFile("r") as peak,
        tempfile.TemporaryDirectory(prefix="profiles-bench-") as temp,
    ):
        commands = Path(temp) / "commands.json"
        env = {
            **os.environ,
            "PROFILES_MONGODB_URL": url,
            "PROFILES_DB_NAME": db_name,
            "PROFILES_JWT_SECRET": "bench",
            "BENCH_PEAK_FILE": peak.name,
            "BENCH_COMMANDS_FILE": str(commands),
            # the wrapper imports the bench package, from the folder that holds it
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")])
            ),
        }
        command = [sys.executable, "-c", _PROFILES_WITH_PEAK, *args]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, check=False)  # noqa: S603
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if done.returncode:
            errors = done.stderr.decode(errors="replace")
            raise SystemExit(f"profiles {' '.join(args)} failed:\n{errors}")
        output = done.stdout.decode(errors="replace")
        return CommandRun(seconds, int(peak.read() or 0), output, cpu, command_times.load(commands))


def rss_kib(pid: int | None) -> int | None:
    """Resident memory (VmRSS) of `pid` in KiB; None when unknown or gone."""
    if pid is None:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def cpu_seconds(pid: int | None) -> float:
    """CPU time (user + system, all threads) `pid` has used so far; 0 when unknown."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

"""Who owns the embedded database's data directory, and ending a database whose owner
died.

One process at a time owns a data directory: it holds an exclusive `flock` on
`<storage>.owner` for as long as it runs, and writes there its pid and its database's
URL. The kernel drops the lock when the owner dies, however it dies (`kill -9`
included), so a lock that cannot be taken always means a live owner: that one is never
touched, and the refusal carries its pid and its database's URL, which a second
`profiles serve`, `db` or `migrate` on the same directory joins (`embedded.py`). A record
whose lock nobody holds is stale: the next owner takes the lock and writes over it.

The database itself dies with its owner (a parent-death signal, `embedded.py`), but
not everywhere (that signal is Linux's) and not for a database an older release or a
hand started. Whoever takes the lock therefore looks for a database still serving the
directory (Linux: `/proc`, a `secantusd-py` whose `--storage-path` is the directory),
which can only be stale, and ends it (SIGTERM: it shuts down cleanly; SIGKILL after a
grace period) before starting its own. Nothing else is ever signalled: a process is
ended only when its command line names this very directory.
"""

import fcntl
import json
import os
import signal
import sys
import time
from pathlib import Path

TERM_GRACE_SECONDS = 15.0
"""How long a stale database may take to shut down after SIGTERM before SIGKILL."""
KILL_WAIT_SECONDS = 10.0
SERVER_SCRIPT = "secantusd-py"


class DataDirectoryInUse(RuntimeError):
    """Another live process owns the data directory (its pid and its database's URL,
    when its record names them), or serves it and may not be ended."""

    def __init__(self, message: str, *, pid: int | None = None, url: str | None = None) -> None:
        super().__init__(message)
        self.pid = pid
        self.url = url


class DataDirectoryOwner:
    """This process's ownership of one data directory (`take`, then `release`)."""

    def __init__(self, storage: Path, descriptor: int) -> None:
        self.storage = storage
        self._descriptor: int | None = descriptor

    @classmethod
    def take(cls, storage: Path) -> "DataDirectoryOwner":
        """Own `storage` (an absolute path), or `DataDirectoryInUse` naming the owner."""
        path = owner_file(storage)
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_record(descriptor)
            os.close(descriptor)
            pid, url = holder.get("pid"), holder.get("url")
            raise DataDirectoryInUse(
                _in_use_message(storage, holder),
                pid=pid if isinstance(pid, int) else None,
                url=url if isinstance(url, str) else None,
            ) from None
        owner = cls(storage, descriptor)
        owner.record(None)
        return owner

    def record(self, url: str | None) -> None:
        """Write this process's pid and its database's URL for others to read."""
        if self._descriptor is None:
            return
        content = json.dumps({"pid": os.getpid(), "url": url}).encode()
        os.ftruncate(self._descriptor, 0)
        os.pwrite(self._descriptor, content, 0)

    def release(self) -> None:
        """Give the directory up: the record emptied (no one serves it now), then the
        file closed, which drops the lock."""
        if self._descriptor is not None:
            os.ftruncate(self._descriptor, 0)
            os.close(self._descriptor)
            self._descriptor = None


def owner_file(storage: Path) -> Path:
    """The file whose lock says who owns `storage`: beside it, not in it (the database's
    directory holds the database's files only)."""
    return storage.with_name(storage.name + ".owner")


def _read_record(descriptor: int) -> dict[str, object]:
    try:
        loaded = json.loads(os.pread(descriptor, 4096, 0) or b"{}")
    except (OSError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _in_use_message(storage: Path, holder: dict[str, object]) -> str:
    pid = holder.get("pid")
    url = holder.get("url")
    who = f"process {pid}" if isinstance(pid, int) else "another process"
    message = f"the data directory {storage} is in use by {who} (a running `profiles serve`"
    message += " or `profiles db`)"
    if isinstance(url, str):
        return message + f" with its database at {url}"
    return message + " starting its database"


def stale_databases(storage: Path) -> list[int]:
    """The processes serving `storage` as an embedded database (Linux; elsewhere none
    can be found and none is ended)."""
    proc = Path("/proc")
    if not sys.platform.startswith("linux") or not proc.is_dir():
        return []
    found = []
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            arguments = [
                a.decode(errors="replace") for a in (entry / "cmdline").read_bytes().split(b"\0")
            ]
            if not _is_server(arguments) or "--storage-path" not in arguments:
                continue
            named = Path(arguments[arguments.index("--storage-path") + 1])
            if not named.is_absolute():
                named = Path(os.readlink(entry / "cwd")) / named
        except (OSError, IndexError):
            continue  # gone meanwhile, or not ours to read
        if os.path.normpath(named) == os.path.normpath(storage) and not _ended(int(entry.name)):
            found.append(int(entry.name))
    return found


def _is_server(arguments: list[str]) -> bool:
    """True when the command line runs the database server (the script itself, or an
    interpreter running it)."""
    return any(Path(argument).name == SERVER_SCRIPT for argument in arguments[:2])


def end_stale_databases(storage: Path) -> list[int]:
    """End every database still serving `storage`; call it only while owning the
    directory (then none of them has a live owner). Returns their pids."""
    stale = stale_databases(storage)
    for pid in stale:
        _end(pid)
    return stale


def _end(pid: int) -> None:
    """SIGTERM `pid`, SIGKILL it after `TERM_GRACE_SECONDS`, and wait until it is gone."""
    for sig, wait in ((signal.SIGTERM, TERM_GRACE_SECONDS), (signal.SIGKILL, KILL_WAIT_SECONDS)):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        except PermissionError as error:
            raise DataDirectoryInUse(
                f"process {pid} still serves this data directory and may not be ended"
                " by this user; stop it first"
            ) from error
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if _ended(pid):
                return
            time.sleep(0.05)
    raise DataDirectoryInUse(f"process {pid} still serves this data directory; stop it first")


def _ended(pid: int) -> bool:
    """True when `pid` no longer runs (a zombie waiting to be reaped has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state in ("Z", "X")

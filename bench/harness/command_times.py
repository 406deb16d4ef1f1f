"""Where a client's database time goes: every command it sends, timed by the client (the
driver's command monitoring: sent to answered, the round trip included) and summed by
kind (reads, writes, index builds, transaction commits, the rest). The same on any
server, the embedded one or a mongod replica set, and it needs no access to the server's
process; a server's own profiler rounds each operation down to whole milliseconds, which
loses most of a batch's small reads."""

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from pymongo import monitoring

KINDS: dict[str, str] = {
    **dict.fromkeys(("find", "getMore", "aggregate", "count", "distinct"), "reads"),
    **dict.fromkeys(("insert", "update", "delete", "findAndModify"), "writes"),
    **dict.fromkeys(("createIndexes", "dropIndexes"), "index builds"),
    **dict.fromkeys(("commitTransaction", "abortTransaction"), "commits"),
}
"""The kind of each command name; any other command is `other`."""
ORDER = ("reads", "writes", "index builds", "commits", "other")

Times = dict[str, tuple[int, float]]
"""Per kind: how many commands, and their seconds."""


class CommandTimes(monitoring.CommandListener):
    """Sums the commands a client sends by kind, while `recording` (or always, when made
    with `recording=True`)."""

    def __init__(self, *, recording: bool = False) -> None:
        self.recording = recording
        self.times: Times = {}

    @contextmanager
    def record(self) -> Iterator[None]:
        """Count the commands sent inside the block."""
        self.recording = True
        try:
            yield
        finally:
            self.recording = False

    def _add(self, name: str, micros: int) -> None:
        if self.recording:
            kind = KINDS.get(name, "other")
            count, seconds = self.times.get(kind, (0, 0.0))
            self.times[kind] = (count + 1, seconds + micros / 1e6)

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        pass

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        self._add(event.command_name, event.duration_micros)

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        self._add(event.command_name, event.duration_micros)

    def save(self, path: Path) -> None:
        """Write the sums to `path` (JSON), for the process that started this one."""
        path.write_text(json.dumps(self.times))


def load(path: Path) -> Times:
    """Sums `CommandTimes.save` wrote to `path`; empty when it wrote none."""
    text = path.read_text() if path.exists() else ""
    return {kind: (int(n), float(s)) for kind, (n, s) in json.loads(text or "{}").items()}


def seconds(times: Mapping[str, tuple[int, float]]) -> float:
    """All the seconds in `times`."""
    return sum(s for _, s in times.values())


def text(times: Mapping[str, tuple[int, float]]) -> str:
    """`reads 2.41 s (312), writes 5.30 s (41), ...`: seconds and command counts per kind,
    in a fixed order, the kinds with no command left out."""
    parts = [
        f"{kind} {times[kind][1]:.2f} s ({times[kind][0]:,})" for kind in ORDER if kind in times
    ]
    return ", ".join(parts) or "no commands"

"""What a run tells the person or pipeline running it.

A `Report` gets every step of a run: a script starting, a phase of it reading a
collection (how many documents in all, how many done), a script finished (its status,
duration and counters), and notes. Three kinds:
- `LineReport`: one line per script, the same for `up` and `down` (the default; what a
  log file or a pipeline without a terminal gets);
- `TerminalReport`: the same lines, and live progress bars on a terminal (rich): one per
  phase, counting that phase's collection, and one for the whole run;
- `JsonReport`: one JSON object per step (`PROFILES_LOG_FORMAT=json`).
"""

import json
import sys
from collections.abc import Callable
from typing import Any, TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

Say = Callable[[str], None]


class Report:
    """A run's steps, told as lines through `say` (a subclass may show more)."""

    def __init__(self, say: Say) -> None:
        self.say = say

    def run_started(self, action: str, scripts: int) -> None:
        """`action` (`up`, `down`) is about to run `scripts` scripts."""

    def script_started(self, version: int, name: str) -> None:
        """A script begins."""

    def phase(self, version: int, phase: str, collection: str, done: int, total: int) -> None:
        """A phase of the running script has handled `done` of the `total` documents of
        `collection` it reads."""

    def script_finished(
        self, version: int, name: str, status: str, duration_ms: int, stats: dict[str, int]
    ) -> None:
        """A script ended with `status` (`applied`, `partial`, `rolled back`, `would
        change`, `left pending`)."""
        counters = ", ".join(f"{key} {value}" for key, value in sorted(stats.items()))
        self.say(
            f"{version:04d}_{name}: {status} in {duration_ms} ms"
            + (f"; {counters}" if counters else "")
        )

    def note(self, line: str) -> None:
        """Something the operator should know (a lock taken over, a script left pending)."""
        self.say(line)

    def run_finished(self) -> None:
        """The run ended (whatever way)."""


class LineReport(Report):
    """One line per script (and per note)."""


class TerminalReport(Report):
    """Lines, and progress bars on the terminal of `stream` (stderr)."""

    def __init__(self, say: Say, stream: TextIO | None = None) -> None:
        super().__init__(self._say_above)
        self._say_plain = say
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(file=stream or sys.stderr),
            transient=True,
        )
        self._overall: Any = None
        self._phases: dict[tuple[int, str], Any] = {}

    def run_started(self, action: str, scripts: int) -> None:
        self._progress.start()
        self._overall = self._progress.add_task(f"migrate {action}", total=scripts)

    def phase(self, version: int, phase: str, collection: str, done: int, total: int) -> None:
        key = (version, phase)
        if key not in self._phases:
            self._phases[key] = self._progress.add_task(
                f"  {version:04d} {collection}", total=total
            )
        self._progress.update(self._phases[key], completed=done, total=max(total, done))

    def script_finished(
        self, version: int, name: str, status: str, duration_ms: int, stats: dict[str, int]
    ) -> None:
        for key in [key for key in self._phases if key[0] == version]:
            self._progress.remove_task(self._phases.pop(key))
        if self._overall is not None:
            self._progress.advance(self._overall)
        super().script_finished(version, name, status, duration_ms, stats)

    def _say_above(self, line: str) -> None:
        """A line printed above the live bars (rich keeps them below it)."""
        if self._progress.live.is_started:
            self._progress.console.print(line, markup=False, highlight=False)
        else:
            self._say_plain(line)

    def run_finished(self) -> None:
        self._progress.stop()


class JsonReport(Report):
    """One JSON object per line for every step (phases at most once per 1 % of their
    collection, and at their end)."""

    def __init__(self, write: Say) -> None:
        super().__init__(write)
        self._reported: dict[tuple[int, str], int] = {}

    def _emit(self, event: str, **fields: Any) -> None:
        self.say(json.dumps({"event": event, **fields}, default=str))

    def run_started(self, action: str, scripts: int) -> None:
        self._emit("run", action=action, scripts=scripts)

    def script_started(self, version: int, name: str) -> None:
        self._emit("script-started", version=version, name=name)

    def phase(self, version: int, phase: str, collection: str, done: int, total: int) -> None:
        step = max(1, total // 100)
        last = self._reported.get((version, phase), -step)
        if done - last >= step or done >= total:
            self._reported[(version, phase)] = done
            self._emit(
                "phase", version=version, phase=phase, collection=collection, done=done, total=total
            )

    def script_finished(
        self, version: int, name: str, status: str, duration_ms: int, stats: dict[str, int]
    ) -> None:
        self._emit(
            "script", version=version, name=name, status=status, durationMs=duration_ms, stats=stats
        )

    def note(self, line: str) -> None:
        self._emit("note", message=line)

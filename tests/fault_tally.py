"""The tally of injected faults, summed over every process that runs tests (with
`pytest -n`, each worker sends its own to the controller, which prints the sum)."""

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class FaultTally:
    """Faults armed (the `times` of each failpoint) and fired (armed minus unused)."""

    armed: int = 0
    fired: int = 0
    failpoints: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    outcomes: dict[int, int] = field(default_factory=dict)

    def saw(self, status: int) -> None:
        """Count the HTTP status a call under a fault ended with."""
        self.outcomes[status] = self.outcomes.get(status, 0) + 1

    def as_dict(self) -> dict[str, Any]:
        """The tally as plain data (what a worker sends)."""
        return asdict(self)

    def add(self, other: dict[str, Any]) -> None:
        """Add a worker's tally (`as_dict`) to this one."""
        self.armed += other["armed"]
        self.fired += other["fired"]
        self.failpoints += other["failpoints"]
        for kind, count in other["by_kind"].items():
            self.by_kind[kind] = self.by_kind.get(kind, 0) + count
        for status, count in other["outcomes"].items():
            self.outcomes[int(status)] = self.outcomes.get(int(status), 0) + count

    def line(self) -> str:
        """The summary line printed after the run."""
        kinds = ", ".join(f"{kind}: {n}" for kind, n in sorted(self.by_kind.items()))
        return (
            f"fault injection: {self.failpoints} failpoints, {self.armed} faults armed,"
            f" {self.fired} fired ({kinds}); calls under faults by status:"
            f" {dict(sorted(self.outcomes.items()))}"
        )


TALLY = FaultTally()

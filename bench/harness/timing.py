"""Timing and the figures every benchmark reports: percentiles, timed calls, rounds in
rotating order, ratios and the goals they are held to."""

import math
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

T = TypeVar("T")


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile of `values`: the smallest value with at least
    `fraction` of them at or below it (`fraction` 1.0: the largest); 0.0 when empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


async def timed(call: Callable[[], Awaitable[object]]) -> float:
    """Seconds `call` took (wall clock)."""
    started = time.perf_counter()
    await call()
    return time.perf_counter() - started


def rotated(items: Sequence[T], round_number: int) -> list[T]:
    """`items` starting at position `round_number` (cyclically): the order of the sides
    or sizes in one round, so that each goes first equally often and a slow spell of the
    shared machine hits them alike."""
    if not items:
        return []
    shift = round_number % len(items)
    return [*items[shift:], *items[:shift]]


def ratio(numerator: float, denominator: float) -> float:
    """`numerator / denominator`, with a zero denominator taken as a tiny one."""
    return numerator / max(denominator, 1e-9)


@dataclass(frozen=True)
class Goal:
    """The limit a ratio is held to: `>= 0.6`, `<= 1.5`, `< 2`."""

    op: Literal[">=", "<=", "<"]
    limit: float

    def met(self, value: float) -> bool:
        """Whether `value` meets the goal."""
        if self.op == ">=":
            return value >= self.limit
        if self.op == "<=":
            return value <= self.limit
        return value < self.limit

    def __str__(self) -> str:
        if self.op == "<":
            return f"goal: under {self.limit:g}"
        return f"goal {self.op} {self.limit:g}"


def ratio_text(label: str, values: float | Mapping[str, float], goal: Goal) -> str:
    """`label`, the ratio (or the named ratios) to two decimals, and the goal:
    `new/legacy p50: city 1.74, fetch 1.36 (goal <= 0.7)`."""
    if isinstance(values, Mapping):
        shown = ", ".join(f"{name} {value:.2f}" for name, value in values.items())
    else:
        shown = f"{values:.2f}"
    return f"{label} {shown} ({goal})"


def summary_line(*parts: str) -> str:
    """The last line of a benchmark: its ratio texts, joined by semicolons."""
    return "; ".join(parts)

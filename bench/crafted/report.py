"""What the crafted-search benchmark prints: a line per search (time, items, commands),
the victim's latencies, the connections of a cold process, then each figure as a ratio
against its limit; the last line sums them up."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from bench.crafted.measure import COLD_REQUESTS, Cold, Measured, pooled_p50
from bench.crafted.victim import Loaded
from bench.harness.timing import Goal, percentile, ratio, ratio_text, summary_line

CRAFTED_GOAL = Goal("<=", 10)
LOADED_GOAL = Goal("<=", 2)
ABANDONED_GOAL = Goal("<=", 1.5)
COMMANDS_GOAL = Goal("<=", 1)
CONNECTIONS_LIMIT = 10
CONNECTIONS_GOAL = Goal("<=", 1)


@dataclass
class Results:
    """Everything a run measured."""

    typical: list[Measured] = field(default_factory=list)
    crafted: list[Measured] = field(default_factory=list)
    commands: list[Measured] = field(default_factory=list)
    alone: list[float] = field(default_factory=list)
    loaded: Loaded | None = None
    abandoned: Loaded | None = None
    cold: Cold = field(default_factory=Cold)


def ms(seconds: float) -> str:
    """Seconds as milliseconds, to one decimal."""
    return f"{seconds * 1000:,.1f} ms"


def statuses_text(statuses: Mapping[str, int]) -> str:
    """`200 x5, 503 x1`."""
    return ", ".join(f"{status} x{count}" for status, count in sorted(statuses.items()))


def report_searches(title: str, measured: list[Measured], *, expect_items: bool) -> None:
    """A line per search: p50 and max of its timed calls, its page's items and the
    statuses of its requests; a warning when a typical search found nothing or a crafted
    one found something."""
    print(title)
    for done in measured:
        items = "no 200" if done.items < 0 else f"{done.items} items"
        print(
            f"  {done.search.label:<44} p50 {ms(done.p50):>12}, max"
            f" {ms(max(done.seconds, default=0.0)):>12} over {len(done.seconds)} calls;"
            f" {items} ({statuses_text(done.statuses)})"
        )
    for done in measured:
        if done.items >= 0 and (done.items > 0) != expect_items:
            what = "found nothing" if expect_items else f"found {done.items} profiles"
            print(f"  WARNING: {done.search.label!r} {what}: not the search it stands for")


def report_commands(measured: list[Measured]) -> float:
    """A line per search: commands of a warm page against levels x kinds; the worst
    ratio."""
    print("database commands per warm page (in-order reader; the service's /metrics):")
    for done in measured:
        names = ", ".join(f"{name} {count}" for name, count in sorted(done.commands.items()))
        print(
            f"  {done.search.label:<44} {done.command_count:>4} of at most"
            f" {done.search.command_limit:>2} ({done.search.levels} levels x 2 kinds): {names}"
            f" ({statuses_text(done.statuses)})"
        )
    return max(ratio(done.command_count, done.search.command_limit) for done in measured)


def report_victim(label: str, latencies: list[float]) -> None:
    """The victim's p50, p95 and max over a window."""
    print(
        f"  {label:<44} p50 {ms(percentile(latencies, 0.5)):>10}, p95"
        f" {ms(percentile(latencies, 0.95)):>10}, max {ms(percentile(latencies, 1.0)):>10}"
        f" over {len(latencies)} reads"
    )


def report_load(label: str, loaded: Loaded) -> None:
    """What a load did, and how long the service stayed busy after it."""
    print(
        f"  {label}: {loaded.completed} answered, {loaded.abandoned} abandoned"
        f" ({statuses_text(loaded.statuses) or 'none'}); the service was idle again"
        f" {loaded.busy_after:.1f} s later"
    )


def report(results: Results) -> None:
    """Print the figures, each against its goal; the last line is the summary."""
    report_searches("typical searches (/v1/search):", results.typical, expect_items=True)
    report_searches("crafted searches (/v1/search):", results.crafted, expect_items=False)
    worst_commands = report_commands(results.commands)
    print("victim: another user's GET /v1/dancers/{id}, one at a time:")
    report_victim("alone", results.alone)
    figures: dict[str, tuple[float, Goal]] = {}
    typical_p50 = pooled_p50(results.typical)
    slowest = max(results.crafted, key=lambda done: done.p50)
    figures["slowest crafted / median typical"] = (ratio(slowest.p50, typical_p50), CRAFTED_GOAL)
    alone_p50 = percentile(results.alone, 0.5)
    if results.loaded is not None:
        report_victim(f"with {len(results.crafted)} crafted searches", results.loaded.latencies)
        report_load("the crafted searches", results.loaded)
        figures["victim p50 loaded / alone"] = (ratio(results.loaded.p50, alone_p50), LOADED_GOAL)
    if results.abandoned is not None:
        report_victim("1 s after 3 abandoned searches", results.abandoned.latencies)
        report_load("the abandoned searches", results.abandoned)
        figures["victim p50 after abandoning / alone"] = (
            ratio(results.abandoned.p50, alone_p50),
            ABANDONED_GOAL,
        )
    figures["commands per page / (levels x kinds), worst"] = (worst_commands, COMMANDS_GOAL)
    cold = results.cold
    print(
        f"connections a cold process created: {cold.ready:.0f} once ready (start-up"
        f" included), {cold.after:.0f} after {COLD_REQUESTS} serial requests of mixed kinds"
        f" ({statuses_text(cold.statuses)}; limit {CONNECTIONS_LIMIT})"
    )
    figures[f"cold connections / {CONNECTIONS_LIMIT}"] = (
        ratio(cold.after, CONNECTIONS_LIMIT),
        CONNECTIONS_GOAL,
    )
    print(
        f"median typical search {ms(typical_p50)}; slowest crafted: {slowest.search.label}"
        f" {ms(slowest.p50)}"
    )
    lines = []
    for label, (value, goal) in figures.items():
        verdict = "met" if goal.met(value) else "NOT met"
        print(f"{ratio_text(label + ':', value, goal)} {verdict}")
        lines.append(ratio_text(label, value, goal))
    print(summary_line(*lines))

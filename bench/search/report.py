"""What the search benchmark prints: per size and group, latency and plan cost per result
with a line per query and the checks of the match counts; then the selective queries at
the smallest and largest size, and their p50 ratio (the last line)."""

from bench.harness.timing import Goal, percentile, ratio, ratio_text
from bench.search.measure import Measured, Measurement
from tests.factories.drawn import PLANTED_COPIES

SHARE_LIMIT = 0.01
GOAL = Goal("<", 2)


def report_group(size: int, group: str, measured: list[Measurement]) -> None:
    """The group's p50, p95 and costs per result at one size, a line per query, and a
    warning for a query that matched other than it should."""
    calls = [seconds for m in measured for seconds in m.seconds]
    keys = sum(m.per_result(m.keys) for m in measured) / len(measured)
    docs = sum(m.per_result(m.docs) for m in measured) / len(measured)
    read = sum(m.per_result(m.read) for m in measured) / len(measured)
    print(
        f"  {group}: p50 {percentile(calls, 0.5) * 1000:.1f} ms,"
        f" p95 {percentile(calls, 0.95) * 1000:.1f} ms over {len(calls)} calls;"
        f" per result: {keys:,.1f} keys examined, {docs:,.1f} docs examined,"
        f" {read:,.1f} docs read by the service"
    )
    print(
        f"    {'query':<44} {'page':>4} {'total':>6} {'p50 ms':>8} {'keys/res':>9}"
        f" {'docs/res':>9} {'read/res':>9} {'queries':>7} {'sorts':>5}"
    )
    for m in measured:
        total = "-" if m.total is None else f"{m.total:,}"
        label = m.case.label + (" (typo pass)" if m.typo else "")
        print(
            f"    {label:<44} {m.results:>4} {total:>6}"
            f" {p50_ms(m):>8.1f} {m.per_result(m.keys):>9,.1f}"
            f" {m.per_result(m.docs):>9,.1f} {m.per_result(m.read):>9,.1f}"
            f" {m.queries:>7} {m.sorted_in_memory:>5}"
        )
    for m in measured:
        if m.total is None:
            continue
        if group == "selective":
            if m.total != PLANTED_COPIES:
                print(
                    f"  WARNING: {m.case.label!r} matched {m.total:,} profiles, not the"
                    f" {PLANTED_COPIES} planted ones: the scaling ratio compares unlike work"
                )
        elif m.total >= SHARE_LIMIT * size:
            print(
                f"  WARNING: {m.case.label!r} matched {m.total:,} of {size:,} profiles"
                f" ({m.total / size:.1%}): not a small share (under {SHARE_LIMIT:.0%})"
            )


def p50_ms(measurement: Measurement) -> float:
    """The p50 of one query's timed calls, in milliseconds."""
    return percentile(measurement.seconds, 0.5) * 1000


def pooled_p50(measured: list[Measurement]) -> float:
    """The p50 over every call of every query."""
    return percentile([seconds for m in measured for seconds in m.seconds], 0.5)


def report(measured: Measured) -> None:
    """The whole report; with two sizes or more, the last line is the selective p50 at
    the largest size over that at the smallest."""
    for size, groups in measured.items():
        print(f"== {size:,} profiles ==")
        for group, measurements in groups.items():
            report_group(size, group, measurements)
    selective = {size: groups["selective"] for size, groups in measured.items()}
    if len(selective) < 2:
        return
    small, big = min(selective), max(selective)
    print(f"selective p50 per query, {small:,} and {big:,} profiles:")
    for at_small, at_big in zip(selective[small], selective[big], strict=True):
        p50_small, p50_big = p50_ms(at_small), p50_ms(at_big)
        print(
            f"  {at_small.case.label:<44} {p50_small:>7.1f} ms {p50_big:>7.1f} ms"
            f"  x{ratio(p50_big, p50_small):.2f}"
        )
    scaling = ratio(pooled_p50(selective[big]), pooled_p50(selective[small]))
    print(ratio_text(f"selective p50 ratio {big}/{small}:", scaling, GOAL))

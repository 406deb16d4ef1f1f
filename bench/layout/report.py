"""What the layout benchmark prints: loading (apart), indexes, document sizes, the plans'
costs, p50 per input, latency and what the server examined per question and side, and
the ratios (the last line)."""

import bson
from pymongo.asynchronous.database import AsyncDatabase

from bench.harness.timing import Goal, percentile, ratio, ratio_text, summary_line
from bench.layout.build import LEGACY_APP_USERS, Build
from bench.layout.cases import (
    CHOREOGRAPHER,
    LEGACY_APP,
    LEGACY_BEST,
    LEGACY_SIDES,
    QUESTIONS,
    SIDES,
    Case,
)
from bench.layout.queries import Cost
from bench.wire import Document

GOAL = Goal("<=", 0.7)
GOAL_QUESTIONS = ("city", "prefix")
"""The questions the goal holds for: the plan's "choreographer queries" are its listings."""

Samples = dict[str, dict[str, dict[str, list[float]]]]
"""Latencies in seconds by question, input and side."""


def report_build(build: Build) -> None:
    """How long loading took: printed apart, not part of the results."""
    total = sum(build.seconds.values())
    steps = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in build.seconds.items())
    print(
        f"loading (not part of the results): {total:.1f} s for {build.users:,} users,"
        f" {build.choreographers:,} of them choreographers ({build.how}): {steps};"
        f" migration issues recorded: {build.issues}"
    )
    for line in build.migration_lines:
        print(f"  {line}")


async def report_sizes(db: AsyncDatabase[Document]) -> None:
    """Mean BSON size of what each side reads about a choreographer: the server decodes
    every candidate document, the client every document returned."""
    legacy = [len(bson.encode(d)) async for d in db["users"].find({"profileType": CHOREOGRAPHER})]
    new = [d async for d in db["choreographers"].find({})]
    sizes = [len(bson.encode(d)) for d in new]
    tokens = sum(len(d.get("searchTokens") or ()) for d in new) / max(1, len(new))
    print(
        f"choreographer documents: legacy user {sum(legacy) / max(1, len(legacy)):,.0f} bytes,"
        f" new profile {sum(sizes) / max(1, len(sizes)):,.0f} bytes"
        f" ({tokens:.0f} searchTokens on average)"
    )


async def report_indexes(db: AsyncDatabase[Document]) -> None:
    """The indexes each side's collection has."""
    for collection, side in (
        (LEGACY_APP_USERS, LEGACY_APP),
        ("users", LEGACY_BEST),
        ("choreographers", "new"),
    ):
        print(f"indexes of {collection} ({side} layout):")
        async for index in await db[collection].list_indexes():
            keys = ", ".join(f"{name}: {direction}" for name, direction in index["key"].items())
            print(f"  {index['name']}: {{{keys}}}")


def report_costs(costs: dict[str, dict[str, Cost]], cases: dict[str, list[Case]]) -> None:
    """Keys and documents examined per call, averaged over each question's inputs."""
    print(
        "explain executionStats per call, mean over the inputs (SecantusDB runs an explained"
        " query without its limit: keys = docs = matches of the index bounds):"
    )
    print(
        f"  {'question':<8} {'side':<17} {'queries':>7} {'keys':>8} {'docs':>8}"
        f" {'matched':>8}  plans"
    )
    for question, by_side in costs.items():
        count = len(cases[question])
        for side, cost in by_side.items():
            print(
                f"  {question:<8} {side:<17} {cost.queries / count:>7.1f} {cost.keys / count:>8.1f}"
                f" {cost.docs / count:>8.1f} {cost.returned / count:>8.1f}  {'; '.join(cost.plans)}"
            )


def _pooled(samples: Samples, question: str, side: str) -> list[float]:
    """Every latency of one side over all inputs of a question."""
    return [seconds for by_side in samples[question].values() for seconds in by_side[side]]


def report_inputs(samples: Samples) -> None:
    """p50 per input and side, and new over each legacy side."""
    print("p50 per input (ms):")
    header = " ".join(f"{side:>14}" for side in SIDES)
    ratios = " ".join(f"{'new/' + side:>15}" for side in LEGACY_SIDES)
    print(f"  {'question':<8} {'input':<24} {header} {ratios}")
    for question in QUESTIONS:
        for label, by_side in samples[question].items():
            p50 = {side: percentile(by_side[side], 0.5) for side in SIDES}
            cells = " ".join(f"{p50[side] * 1000:>14.2f}" for side in SIDES)
            shown = " ".join(f"{ratio(p50['new'], p50[side]):>15.2f}" for side in LEGACY_SIDES)
            print(f"  {question:<8} {label[:24]:<24} {cells} {shown}")


Ratios = dict[str, dict[str, float]]
"""new/legacy p50 by legacy side and question."""


def report_latency(
    samples: Samples, costs: dict[str, dict[str, Cost]], counts: dict[str, int], rounds: int
) -> Ratios:
    """Per question and side: p50 and p95, beside them the keys and documents the server
    examined per call (mean over the inputs; `counts`: inputs per question), and each
    side's p50 over each legacy side's; returns new/legacy p50 per legacy side."""
    ratios: Ratios = {side: {} for side in LEGACY_SIDES}
    print(
        f"latency over {rounds} rounds (ms; all inputs of a question pooled), and what the"
        " server examined per call (explain; SecantusDB's planner, not mongod's):"
    )
    over = " ".join(f"{'/' + side:>13}" for side in LEGACY_SIDES)
    print(
        f"  {'question':<8} {'side':<15} {'p50':>8} {'p95':>8} {'queries':>7} {'keys':>8}"
        f" {'docs':>8} {over}"
    )
    for question in QUESTIONS:
        p50 = {side: percentile(_pooled(samples, question, side), 0.5) for side in SIDES}
        for side in SIDES:
            p95 = percentile(_pooled(samples, question, side), 0.95)
            cost = costs[question][side]
            count = max(1, counts[question])
            shown = " ".join(f"{ratio(p50[side], p50[legacy]):>13.2f}" for legacy in LEGACY_SIDES)
            print(
                f"  {question:<8} {side:<15} {p50[side] * 1000:>8.2f} {p95 * 1000:>8.2f}"
                f" {cost.queries / count:>7.1f} {cost.keys / count:>8.1f}"
                f" {cost.docs / count:>8.1f} {shown}"
            )
        for legacy in LEGACY_SIDES:
            ratios[legacy][question] = ratio(p50["new"], p50[legacy])
    return ratios


def summary(ratios: Ratios) -> str:
    """The last line of the run: new/legacy p50 of the listings against the legacy app's
    own queries (the goal), the fetch beside them, then every question against the legacy
    collection at its best indexes (stated as it is, not a goal)."""
    app = ratios[LEGACY_APP]
    best = ", ".join(f"{question} {value:.2f}" for question, value in ratios[LEGACY_BEST].items())
    return summary_line(
        ratio_text(f"new/{LEGACY_APP} p50:", {q: app[q] for q in GOAL_QUESTIONS if q in app}, GOAL),
        f"fetch {app.get('fetch', 0.0):.2f}",
        f"new/{LEGACY_BEST} p50: {best}",
    )

"""What the layout benchmark prints: loading (apart), indexes, document sizes, the plans'
costs, p50 per input, latency per question, and the ratios (the last line)."""

import bson
from pymongo.asynchronous.database import AsyncDatabase

from bench.harness.timing import Goal, percentile, ratio, ratio_text
from bench.layout.build import Build
from bench.layout.cases import BARE, CHOREOGRAPHER, QUESTIONS, SIDES, Case
from bench.layout.queries import Cost
from bench.wire import Document

GOAL = Goal("<=", 0.7)

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
    for collection, side in (("users", "legacy"), ("choreographers", "new")):
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
    """p50 per input and side, and new/legacy."""
    print("p50 per input (ms):")
    header = " ".join(f"{side:>14}" for side in SIDES)
    print(f"  {'question':<8} {'input':<24} {header} {'new/legacy':>10}")
    for question in QUESTIONS:
        for label, by_side in samples[question].items():
            p50 = {side: percentile(by_side[side], 0.5) for side in SIDES}
            cells = " ".join(f"{p50[side] * 1000:>14.2f}" for side in SIDES)
            print(
                f"  {question:<8} {label[:24]:<24} {cells}"
                f" {ratio(p50['new'], p50['legacy']):>10.2f}"
            )


def report_latency(samples: Samples, rounds: int) -> dict[str, float]:
    """p50 and p95 per question and side, and new/legacy p50; returns those ratios."""
    ratios: dict[str, float] = {}
    print(f"latency over {rounds} rounds (ms; all inputs of a question pooled):")
    header = "  ".join(f"{side + ' p50/p95':>24}" for side in SIDES)
    print(f"  {'question':<8} {header}  {'new/legacy p50':>14}  {'query only/legacy':>17}")
    for question in QUESTIONS:
        pooled = {side: _pooled(samples, question, side) for side in SIDES}
        p50 = {side: percentile(pooled[side], 0.5) for side in SIDES}
        p95 = {side: percentile(pooled[side], 0.95) for side in SIDES}
        cells = "  ".join(f"{p50[side] * 1000:>14.2f} / {p95[side] * 1000:>7.2f}" for side in SIDES)
        ratios[question] = ratio(p50["new"], p50["legacy"])
        bare = ratio(p50[BARE], p50["legacy"])
        print(f"  {question:<8} {cells}  {ratios[question]:>14.2f}  {bare:>17.2f}")
    return ratios


def summary(ratios: dict[str, float]) -> str:
    """The last line of the run: new/legacy p50 per question, and the goal."""
    return ratio_text("new/legacy p50:", ratios, GOAL)

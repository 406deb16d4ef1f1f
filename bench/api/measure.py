"""The timed part of the API benchmark and its report: slices of load on each side,
alternating, and the ratios with their goals."""

import argparse
from collections import Counter
from dataclasses import dataclass, field
from statistics import median

from bench.api.operations import OPERATIONS, requests_of
from bench.api.sides import Bench
from bench.harness.slices import Sample, run_slice
from bench.harness.timing import Goal, ratio, ratio_text, rotated, summary_line

SIDES = ("service", "bare")
GOAL_RATIO = Goal(">=", 0.7)
GOAL_DUAL_WRITE = Goal("<=", 1.3)

Measured = tuple[dict[str, Sample], list[float]]
"""Pooled samples by side, and the service/bare ratio of each round."""


async def measure_overhead(bench: Bench, operation: str) -> Measured:
    """Warm-up, then `--rounds` rounds of one slice per side (service first in even
    rounds, bare first in odd ones); pooled samples and the rps ratio of each round."""
    args = bench.args
    make = requests_of(operation)
    for side in SIDES:
        await run_slice(bench.target(side), operation, make, bench.groups, args.warmup, {})
    pooled = {side: Sample() for side in SIDES}
    ratios = []
    for number in range(args.rounds):
        this_round = {}
        for side in rotated(SIDES, number):
            this_round[side] = await run_slice(
                bench.target(side), operation, make, bench.groups, args.seconds, bench.pids[side]
            )
            pooled[side].add(this_round[side])
        ratios.append(ratio(this_round["service"].rps, this_round["bare"].rps))
    return pooled, ratios


async def measure_dual_write(bench: Bench) -> tuple[dict[bool, Sample], list[float]]:
    """Slices of `PATCH /v1/me` with dual write on, off, off, on, ...; pooled samples and
    the on/off p50 ratio of each pair."""
    args = bench.args
    make = requests_of("me")
    await run_slice(bench.service, "me", make, bench.groups, args.warmup, {})
    pooled = {True: Sample(), False: Sample()}
    ratios = []
    for number in range(args.rounds):
        this_round = {}
        for on in rotated((True, False), number):
            await bench.set_dual_write(on)
            this_round[on] = await run_slice(
                bench.service, "me", make, bench.groups, args.seconds, bench.pids["service"]
            )
            pooled[on].add(this_round[on])
        ratios.append(ratio(this_round[True].p(0.5), this_round[False].p(0.5)))
    await bench.set_dual_write(True)
    return pooled, ratios


@dataclass
class Results:
    """What the run measured, printed at the end."""

    overhead: dict[str, Measured] = field(default_factory=dict)
    dual_write: tuple[dict[bool, Sample], list[float]] | None = None
    agree: bool = True


async def measure(bench: Bench, results: Results) -> None:
    """Every operation against the bare app, then dual write."""
    for operation in OPERATIONS:
        results.overhead[operation] = await measure_overhead(bench, operation)
    results.dual_write = await measure_dual_write(bench)


def _line(sample: Sample) -> str:
    """rps, latency and CPU per request of one side."""
    cpu = ", ".join(f"{name} {sample.cpu_ms(name):.1f}" for name in ("app", "db", "client"))
    return (
        f"{sample.rps:6.1f} rps, p50 {sample.p(0.5):6.1f} ms, p99 {sample.p(0.99):7.1f} ms,"
        f" max {sample.p(1.0):7.1f} ms; CPU ms/request {cpu}"
    )


def _spread(ratios: list[float]) -> str:
    """The per-round ratios: median and range."""
    return f"median of {len(ratios)} rounds, range {min(ratios):.2f}-{max(ratios):.2f}"


def report(results: Results, args: argparse.Namespace) -> int:
    """Print the figures; the last line is the summary of the ratios. Exit code: 1 when a
    request failed or the bare app did not send the service's commands."""
    errors: Counter[str] = Counter()
    print(
        f"\n{args.clients} clients, {args.rounds} rounds of {args.seconds:g} s per side"
        f" (warm-up {args.warmup:g} s); CPU ms/request: app = the server (service or bare),"
        " db = the embedded database, client = this load generator"
    )
    ratios = {}
    for operation, (pooled, rounds) in results.overhead.items():
        service, bare = pooled["service"], pooled["bare"]
        ratios[operation] = median(rounds)
        errors.update(service.errors + bare.errors)
        cpu = ratio(service.cpu_ms("app"), bare.cpu_ms("app"))
        print(f"{operation:6} service {_line(service)}")
        print(f"{'':6} bare    {_line(bare)}")
        print(
            f"{'':6} service/bare rps {ratios[operation]:.2f} ({_spread(rounds)};"
            f" pooled {ratio(service.rps, bare.rps):.2f}); server CPU per request {cpu:.2f}"
        )
    dual = "n/a"
    if results.dual_write is not None:
        samples, rounds = results.dual_write
        on, off = samples[True], samples[False]
        errors.update(on.errors + off.errors)
        dual = f"{ratio(on.p(0.5), off.p(0.5)):.2f}"
        print(f"me on  PATCH /v1/me, dual write on:  {_line(on)}")
        print(f"me off PATCH /v1/me, dual write off: {_line(off)}")
        print(f"{'':6} p50 on/off {dual} (pooled; per round: {_spread(rounds)})")
    if errors:
        print("errors: " + ", ".join(f"{k} {v}" for k, v in sorted(errors.items())))
    if not results.agree:
        print("the service sent MORE commands than the bare app, the limit (see above)")
    print(
        summary_line(
            ratio_text("ratios:", ratios, GOAL_RATIO),
            f"dual write on/off {dual} ({GOAL_DUAL_WRITE})",
        )
    )
    return 1 if errors or not results.agree else 0

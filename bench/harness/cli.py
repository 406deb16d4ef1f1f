"""The command-line arguments the benchmarks share, with their checks, and progress
lines (on stderr: the results go to stdout)."""

import argparse
import sys

from bench.harness.server import DEFAULT_CACHE


def parser(doc: str | None) -> argparse.ArgumentParser:
    """A parser whose `--help` shows the benchmark's docstring as written."""
    return argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )


def add_rounds(parser: argparse.ArgumentParser, default: int, what: str, *aliases: str) -> None:
    """`--rounds N` (or one of `aliases`): how many timed rounds (`what` says what a
    round is)."""
    parser.add_argument(
        "--rounds", *aliases, dest="rounds", type=int, default=default, help=f"{what} ({default})"
    )


def add_sizes(parser: argparse.ArgumentParser, default: list[int] | None, what: str) -> None:
    """`--sizes A B ...`: the data sizes to compare (`what` says in what unit, and the
    default when it is not `default`)."""
    shown = f"{what} ({' '.join(map(str, default))})" if default else what
    parser.add_argument("--sizes", type=int, nargs="+", default=default, help=shown)


def add_cache_size(parser: argparse.ArgumentParser, default: str) -> None:
    """`--cache-size`: the embedded server's WiredTiger cache."""
    parser.add_argument(
        "--cache-size",
        default=default,
        help=f"the embedded server's WiredTiger cache ({default}; `{DEFAULT_CACHE}`: the"
        " server's own, 1G)",
    )


def add_load(parser: argparse.ArgumentParser, *, clients: int, seconds: float, users: int) -> None:
    """`--clients`, `--seconds`, `--users`: concurrent HTTP clients, seconds of load (per
    slice, where there are slices), accounts to seed."""
    parser.add_argument("--clients", type=int, default=clients, help=f"clients ({clients})")
    parser.add_argument("--seconds", type=float, default=seconds, help=f"seconds ({seconds:g})")
    parser.add_argument("--users", type=int, default=users, help=f"accounts to seed ({users})")


def require(condition: bool, message: str) -> None:
    """SystemExit with `message` unless `condition` holds (argument bounds)."""
    if not condition:
        raise SystemExit(message)


def progress(line: str) -> None:
    """A progress line, on stderr (the results go to stdout)."""
    print(line, file=sys.stderr, flush=True)

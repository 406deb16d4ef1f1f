"""The run of the search benchmark (`bench.search`): the embedded server with a large
cache, every size loaded and measured, then the report."""

import asyncio

import bench.search
from bench.harness import cli
from bench.harness.server import embedded_server
from bench.search.measure import measure
from bench.search.report import report

DEFAULT_SIZES = [5000, 50000]
FULL_SIZES = [10000, 100000]
CACHE_SIZE = "8G"


def main() -> None:
    """Run the benchmark: a report per size, then the selective p50 ratio."""
    parser = cli.parser(bench.search.__doc__)
    cli.add_sizes(parser, None, f"profiles per size ({DEFAULT_SIZES}; --full: {FULL_SIZES})")
    parser.add_argument("--full", action="store_true", help=f"sizes {FULL_SIZES}")
    cli.add_rounds(parser, 15, "timed calls per query and size", "--repeat")
    cli.add_cache_size(parser, CACHE_SIZE)
    args = parser.parse_args()
    sizes: list[int] = args.sizes or (FULL_SIZES if args.full else DEFAULT_SIZES)
    cli.require(args.rounds >= 1 and min(sizes) >= 1, "--rounds and --sizes: at least 1")
    with embedded_server(args.cache_size) as server:
        print(f"embedded server cache: {args.cache_size}", flush=True)
        measured = asyncio.run(measure(server.url, sorted(set(sizes)), args.rounds))
    report(measured)

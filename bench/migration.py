"""Migration throughput and memory: the legacy sample at 1x and 4x, on the embedded server.

For each size, loads the sample N times (fresh ids; loading is not timed) into a fresh
database, runs `profiles migrate up` in a child process, and prints documents per second
and the child's peak memory (max RSS). Memory should stay flat as the data grows (the
runner streams in batches); the last line is the ratio of peak memory at 4x to 1x.

    .venv/bin/python -m bench.migration [--sizes 1 4] [--batch-size 500]
"""

import argparse
import asyncio
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pymongo import AsyncMongoClient

from service.embedded import EmbeddedDatabase
from tests.migrations.legacy_data import load_legacy


async def _load(url: str, db_name: str, copies: int) -> int:
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(url)
    try:
        inserted = await load_legacy(client[db_name], copies)
        return sum(len(documents) for documents in inserted.values())
    finally:
        await client.close()


def _migrate(url: str, db_name: str, batch_size: int) -> tuple[float, int]:
    env = {
        **os.environ,
        "PROFILES_MONGODB_URL": url,
        "PROFILES_DB_NAME": db_name,
        "PROFILES_JWT_SECRET": "bench",
    }
    command = [
        sys.executable,
        "-m",
        "service.cli",
        "migrate",
        "up",
        "--batch-size",
        str(batch_size),
    ]
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run(command, env=env, check=True, capture_output=True)  # noqa: S603
    elapsed = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak_kib, before)


def main() -> None:
    """Run the benchmark and print one line per size, then the memory ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--batch-size", type=int, default=500)
    args = parser.parse_args()
    peaks: dict[int, int] = {}
    with tempfile.TemporaryDirectory() as storage, EmbeddedDatabase(Path(storage)) as server:
        for size in args.sizes:
            db_name = f"bench_migration_{size}x"
            documents = asyncio.run(_load(server.url, db_name, size))
            elapsed, peak_kib = _migrate(server.url, db_name, args.batch_size)
            peaks[size] = peak_kib
            print(
                f"{size}x: {documents} legacy documents migrated in {elapsed:.1f} s"
                f" = {documents / elapsed:,.0f} docs/s; peak memory {peak_kib / 1024:.0f} MiB"
            )
    if len(peaks) > 1:
        low, high = min(peaks), max(peaks)
        print(f"peak memory ratio {high}x/{low}x: {peaks[high] / peaks[low]:.2f} (flat is 1.0)")


if __name__ == "__main__":
    main()

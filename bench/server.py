"""The embedded server for the benchmarks, with a WiredTiger cache of a chosen size."""

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path

from service.platform.embedded import EmbeddedDatabase


@contextlib.contextmanager
def embedded_server(root: Path, cache_size: str) -> Iterator[EmbeddedDatabase]:
    """SecantusDB on 127.0.0.1 with its data in `root / "data"` and a WiredTiger cache of
    `cache_size` (e.g. `8G`, through a `secantusd.toml` in the directory it starts from;
    `default`: the server's own, 1G, with which inserts stall for minutes once some
    15,000 profiles and their multikey index entries are loaded)."""
    server = EmbeddedDatabase(root / "data")
    if cache_size == "default":
        with server:
            yield server
        return
    if not re.fullmatch(r"[1-9][0-9]*[KMG]", cache_size):
        raise SystemExit(f"--cache-size: expected e.g. 512M or 8G, not {cache_size!r}")
    config = root / "config"
    config.mkdir()
    (config / "secantusd.toml").write_text(f'[storage]\ncache_size = "{cache_size}"\n')
    with contextlib.chdir(config):  # the server reads ./secantusd.toml as it starts
        server.start()
    try:
        yield server
    finally:
        server.stop()

"""The embedded database (SecantusDB) for a benchmark: a child process on 127.0.0.1, its
data in a temporary directory removed afterwards, with a WiredTiger cache of a chosen
size. Started by the service's own launcher (`service.platform.embedded`), so the bench
runs the server as `profiles serve` does."""

import contextlib
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

from service.platform.embedded import EmbeddedDatabase, free_port

__all__ = ["DEFAULT_CACHE", "EmbeddedDatabase", "embedded_server", "free_port"]

DEFAULT_CACHE = "default"
"""The server's own cache size (1G)."""


@contextlib.contextmanager
def embedded_server(cache_size: str = DEFAULT_CACHE) -> Iterator[EmbeddedDatabase]:
    """SecantusDB with its data in a fresh temporary directory and a WiredTiger cache of
    `cache_size` (e.g. `8G`, through a `secantusd.toml` in the directory it starts from;
    `default`: the server's own, 1G, with which inserts stall for minutes once some
    15,000 profiles and their multikey index entries are loaded). Stopped, and its data
    removed, on exit."""
    if cache_size != DEFAULT_CACHE and not re.fullmatch(r"[1-9][0-9]*[KMG]", cache_size):
        raise SystemExit(f"--cache-size: expected e.g. 512M or 8G, not {cache_size!r}")
    with tempfile.TemporaryDirectory(prefix="profiles-bench-") as temp:
        root = Path(temp)
        server = EmbeddedDatabase(root / "data")
        if cache_size == DEFAULT_CACHE:
            with server:
                yield server
            return
        config = root / "config"
        config.mkdir()
        (config / "secantusd.toml").write_text(f'[storage]\ncache_size = "{cache_size}"\n')
        with contextlib.chdir(config):  # the server reads ./secantusd.toml as it starts
            server.start()
        try:
            yield server
        finally:
            server.stop()

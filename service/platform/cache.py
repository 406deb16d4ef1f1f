"""A per-process cache whose entries expire: what the service remembers between
requests (callers' account ids, the rollout flags, search window statistics)."""

import time
from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class TimedCache(Generic[K, V]):
    """At most `max_entries` values (the least recently used go first), each kept
    `seconds` after it was put."""

    def __init__(self, seconds: float, max_entries: int = 10_000) -> None:
        self.seconds = seconds
        self.max_entries = max_entries
        self._entries: OrderedDict[K, tuple[float, V]] = OrderedDict()

    def get(self, key: K) -> V | None:
        """The value put under `key` less than `seconds` ago, or None."""
        entry = self._entries.get(key)
        if entry is None or time.monotonic() - entry[0] >= self.seconds:
            return None
        self._entries.move_to_end(key)
        return entry[1]

    def put(self, key: K, value: V) -> None:
        """Remember `value` under `key` from now."""
        self._entries[key] = (time.monotonic(), value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def forget(self, key: K) -> None:
        """Drop `key`, if remembered."""
        self._entries.pop(key, None)

"""The per-process cache: entries expire, and the least recently used go first."""

from service.platform.cache import TimedCache


def test_entries_expire_and_the_least_recently_used_go_first() -> None:
    cache: TimedCache[str, int] = TimedCache(seconds=60, max_entries=2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "b" is now the least recently used
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)
    cache.forget("a")
    assert cache.get("a") is None

    expired: TimedCache[str, int] = TimedCache(seconds=0)
    expired.put("a", 1)
    assert expired.get("a") is None

"""Paging `$text` matches within the read budget: pure logic over in-memory streams in
rank order (what an aggregate sorted by score, then `rankKey`, returns)."""

import itertools

import pytest

from documents.vocabulary import ProfileType
from service.search.backend import SearchStats
from service.search.text.facets import count_facets
from service.search.text.pager import (
    MAX_CHUNK,
    Fetch,
    MergedRead,
    Rank,
    Scored,
    collect,
    comes_before,
    read_page,
)


class Stream:
    """The documents of one kind in rank order; records what each read asked for and
    checks it against the budget it was given."""

    def __init__(self, kind: ProfileType, ranks: list[Rank], stats: SearchStats) -> None:
        items = [Scored(s, k, kind, {"_id": k, "searchTokens": []}) for s, k in ranks]
        self.items = sorted(items, key=lambda item: (-item.score, item.key))
        self.stats = stats
        self.asked: list[int] = []

    async def fetch(self, after: Rank | None, n: int) -> list[Scored]:
        assert 0 < n <= self.stats.remaining
        self.asked.append(n)
        later = [i for i in self.items if after is None or comes_before(after, i.rank)]
        return later[:n]


# two kinds, scores interleaved, ties between and within kinds
DANCERS: list[Rank] = [(3.0, "d1"), (2.5, "d2"), (2.5, "d4"), (1.0, "d5"), (1.0, "d7")]
DANCERS += [(0.5, f"d{n:02}") for n in range(10, 30)]
CHOREOGRAPHERS: list[Rank] = [(2.5, "d3"), (2.0, "c1"), (1.0, "d6"), (0.75, "c2")]
CHOREOGRAPHERS += [(0.5, f"c{n:02}") for n in range(10, 20)]


def accepted(item: Scored) -> bool:
    return not item.key.endswith(("3", "5", "7"))


def expected_order() -> list[str]:
    everything = [*DANCERS, *CHOREOGRAPHERS]
    ordered = sorted(everything, key=lambda rank: (-rank[0], rank[1]))
    return [key for _, key in ordered if not key.endswith(("3", "5", "7"))]


def streams(stats: SearchStats) -> list[Fetch]:
    return [
        Stream("dancer", DANCERS, stats).fetch,
        Stream("choreographer", CHOREOGRAPHERS, stats).fetch,
    ]


@pytest.mark.parametrize(
    ("limit", "budget"), list(itertools.product([1, 2, 3, 7, 100], [2, 3, 5, 8, 1000]))
)
async def test_following_the_pages_yields_every_match_once_in_rank_order(
    limit: int, budget: int
) -> None:
    seen: list[str] = []
    after: Rank | None = None
    for _ in range(200):
        stats = SearchStats(budget=budget)
        page = await read_page(MergedRead(streams(stats), after, limit + 1, stats), limit, accepted)
        assert len(page.items) <= limit
        assert stats.documents_read <= budget
        seen += [item.key for item in page.items]
        if not page.more:
            break
        assert page.items or page.resume != after  # every page gets somewhere
        after = page.resume
    else:
        pytest.fail("the pages never ended")
    assert seen == expected_order()


async def test_a_spent_budget_ends_the_page_at_the_last_document_read() -> None:
    stats = SearchStats(budget=4)
    only = Stream("dancer", [(1.0, f"k{n}") for n in range(10)], stats)
    page = await read_page(MergedRead([only.fetch], None, 21, stats), 20, lambda i: i.key > "k6")
    assert (page.items, page.more, page.resume) == ([], True, (1.0, "k3"))
    assert only.asked == [4] and stats.spent
    stats = SearchStats(budget=4)
    only.stats = stats
    page = await read_page(MergedRead([only.fetch], page.resume, 21, stats), 20, lambda i: True)
    assert [i.key for i in page.items] == ["k4", "k5", "k6", "k7"] and page.more


async def test_a_full_page_resumes_after_its_last_item() -> None:
    stats = SearchStats()
    only = Stream("dancer", [(float(n), f"k{n}") for n in range(10)], stats)
    page = await read_page(MergedRead([only.fetch], None, 4, stats), 3, lambda i: True)
    assert [i.key for i in page.items] == ["k9", "k8", "k7"]
    assert page.more and page.resume == (7.0, "k7")
    assert only.asked == [4]  # limit + 1: the fourth says there is more


async def test_chunks_double_up_to_a_cap_and_a_short_one_ends_the_stream() -> None:
    stats = SearchStats(budget=10_000)
    only = Stream("dancer", [(1.0, f"k{n:04}") for n in range(1000)], stats)
    page = await read_page(MergedRead([only.fetch], None, 3, stats), 2, lambda i: False)
    assert page.items == [] and page.more is False
    assert only.asked == [3, 6, 12, 24, 48, 96, 192, MAX_CHUNK, MAX_CHUNK, MAX_CHUNK]
    assert stats.documents_read == 1000


async def test_streams_that_both_need_a_chunk_share_the_budget() -> None:
    stats = SearchStats(budget=5)
    dancers = Stream("dancer", DANCERS, stats)
    choreographers = Stream("choreographer", CHOREOGRAPHERS, stats)
    read = MergedRead([dancers.fetch, choreographers.fetch], None, 21, stats)
    first = await read.next()
    assert first is not None and first.key == "d1"
    assert (dancers.asked, choreographers.asked) == ([2], [3])


async def test_collecting_matches_says_whether_that_was_all() -> None:
    stats = SearchStats()
    _, complete = await collect(MergedRead(streams(stats), None, 8, stats), 1000, accepted)
    assert complete is True
    stats = SearchStats()
    some, complete = await collect(MergedRead(streams(stats), None, 8, stats), 3, accepted)
    assert [i.key for i in some] == expected_order()[:3] and complete is False
    stats = SearchStats(budget=6)
    cut, complete = await collect(MergedRead(streams(stats), None, 8, stats), 1000, accepted)
    assert len(cut) < len(expected_order()) and complete is False


async def test_facets_count_the_filter_tokens_of_the_matches() -> None:
    documents = [
        (2.0, "a", ["style:jazz", "location:atlanta ga", "=jazz"]),
        (1.5, "b", ["style:jazz", "style:tap", "location:boston ma"]),
        (1.0, "c", ["style:tap", "location:atlanta ga"]),
        (0.5, "d", ["style:ballet"]),
    ]
    stats = SearchStats()
    items = [Scored(s, k, "dancer", {"searchTokens": t}) for s, k, t in documents]

    async def fetch(after: Rank | None, n: int) -> list[Scored]:
        return [i for i in items if after is None or comes_before(after, i.rank)][:n]

    facets = await count_facets(MergedRead([fetch], None, 2, stats), lambda i: i.key != "d")
    assert [(f.value, f.count) for f in facets.styles] == [("jazz", 2), ("tap", 2)]
    assert [(f.value, f.count) for f in facets.locations] == [("atlanta ga", 2), ("boston ma", 1)]
    assert (facets.counted, facets.complete) == (3, True)
    spent = await count_facets(MergedRead([fetch], None, 2, SearchStats(budget=0)), bool)
    assert (spent.counted, spent.complete) == (0, False)

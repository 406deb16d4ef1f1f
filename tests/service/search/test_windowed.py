"""Key windows sized by the per-completeness counts."""

from documents.derived.rank_key import KEY_SPACE, RANK_LEVELS, SPREAD_SPAN, key_at, key_position
from service.search.tokens.windowed import LevelCounts


def counts(**levels: float) -> LevelCounts:
    per_level = [0.0] * RANK_LEVELS
    for name, count in levels.items():
        per_level[int(name[1:])] = count
    return LevelCounts(tuple(per_level))


def test_a_window_skips_empty_levels_and_holds_the_budget() -> None:
    levels = counts(l40=1000.0, l60=3000.0)
    end = levels.window_end(0, 100.0)
    assert end is not None and end // SPREAD_SPAN == 40  # levels 0-39 are empty
    assert abs(levels.mass(0, end) - 100.0) < 1.0


def test_a_window_spans_levels_when_the_budget_asks() -> None:
    levels = counts(l40=1000.0, l60=3000.0)
    end = levels.window_end(40 * SPREAD_SPAN + SPREAD_SPAN // 2, 2000.0)
    assert end is not None and end // SPREAD_SPAN == 60
    assert abs(levels.mass(40 * SPREAD_SPAN + SPREAD_SPAN // 2, end) - 2000.0) < 1.0


def test_no_end_when_the_rest_holds_less_than_the_budget() -> None:
    levels = counts(l40=1000.0)
    assert levels.window_end(40 * SPREAD_SPAN, 5000.0) is None
    assert levels.mass(0, KEY_SPACE) == 1000.0


def test_a_window_is_at_least_one_position_wide() -> None:
    levels = counts(l0=1e12)
    assert levels.window_end(5, 1e-9) == 6


def test_key_positions_follow_string_order() -> None:
    keys = ["", "000", "00000000001", "040ffffffff", "041", "0410000000aabc", "100ffffffff"]
    positions = [key_position(key) for key in keys]
    assert positions == sorted(positions)
    assert key_at(key_position("04112345678abc")) == "04112345678"
    assert key_position("not a key") == 0

"""JSON merge patch against the examples of RFC 7396, appendix A."""

import copy
from typing import Any

import pytest

from service.platform.merge_patch import apply_merge_patch

# (original, patch, result), in the order of RFC 7396 appendix A
RFC_7396_EXAMPLES: list[tuple[Any, Any, Any]] = [
    ({"a": "b"}, {"a": "c"}, {"a": "c"}),
    ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
    ({"a": "b"}, {"a": None}, {}),
    ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
    ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
    ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
    ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
    ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
    (["a", "b"], ["c", "d"], ["c", "d"]),
    ({"a": "b"}, ["c"], ["c"]),
    ({"a": "foo"}, None, None),
    ({"a": "foo"}, "bar", "bar"),
    ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
    ([1, 2], {"a": "b", "c": None}, {"a": "b"}),
    ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
]
EXAMPLE_IDS = [f"A.{number}" for number in range(1, len(RFC_7396_EXAMPLES) + 1)]


@pytest.mark.parametrize(("original", "patch", "expected"), RFC_7396_EXAMPLES, ids=EXAMPLE_IDS)
def test_rfc_7396_examples(original: Any, patch: Any, expected: Any) -> None:
    assert apply_merge_patch(original, patch) == expected


@pytest.mark.parametrize(("original", "patch", "expected"), RFC_7396_EXAMPLES, ids=EXAMPLE_IDS)
def test_inputs_are_not_modified(original: Any, patch: Any, expected: Any) -> None:
    original_before = copy.deepcopy(original)
    patch_before = copy.deepcopy(patch)

    apply_merge_patch(original, patch)

    assert original == original_before
    assert patch == patch_before


def test_result_shares_nothing_mutable_with_the_inputs() -> None:
    original: dict[str, Any] = {"kept": {"list": [1]}, "merged": {"old": [2]}}
    patch: dict[str, Any] = {"merged": {"new": [3]}, "added": {"list": [4]}}

    result = apply_merge_patch(original, patch)
    result["kept"]["list"].append(9)
    result["merged"]["old"].append(9)
    result["merged"]["new"].append(9)
    result["added"]["list"].append(9)

    assert original == {"kept": {"list": [1]}, "merged": {"old": [2]}}
    assert patch == {"merged": {"new": [3]}, "added": {"list": [4]}}

"""Every case the outside fuzzer's verdict is overruled for, and why: the one place the
fuzz configuration filters anything (`schemathesis.toml` loads this module).

A schema-valid request the server refuses is a failure (`positive_data_acceptance`),
except where the refusal comes from a rule that JSON Schema cannot state about one
request: a comparison between two fields, a fact held in the database, or a value only
the server can issue. Each such rule is listed here with its reason, and a refusal is
overruled only when *every* error of its problem is one of them; anything else fails.
"""

import json
import re
from typing import Any

import schemathesis
from schemathesis.core.failures import Failure

UNSTATABLE_RULES: list[tuple[str, str, str]] = [
    # (field, message pattern, reason)
    (
        "cursor",
        r"invalid cursor",
        "a cursor is only valid as the `nextCursor` the service signed for the same search;"
        " the schema can only say it is a string",
    ),
    (
        "template",
        r"unknown template .*",
        "templates are data admins create; the schema cannot list their names",
    ),
    (
        "availableFrom|availableTo",
        r"is required with the other",
        "the availability filter takes both dates or neither (a combination of parameters)",
    ),
    (
        "availableTo",
        r"comes before `availableFrom`|at most 366 days",
        "a comparison of two parameters",
    ),
    (
        "style|location|gender",
        r"needs a letter or digit",
        "a letter or digit of any script is `[\\p{L}\\p{N}]`, a pattern JSON Schema tools"
        " do not all read (the parameter's description says it)",
    ),
    (
        "q",
        r"at most 8 words",
        "words are counted after folding case and accents and dropping repeats",
    ),
    (
        "end|endDate|endYear",
        r"comes before `(start|startDate|startYear)`|a range spans at most \d+ days",
        "a comparison of two fields, in a patch also with the stored item",
    ),
    (
        "storageIds",
        r"not a permutation",
        "the new order must name exactly the headshots the profile holds now",
    ),
    (
        "headshots|availability|specialisations|videos|auditions|workshops|rateCards"
        "|portfolio|projects|training",
        r"too many (headshots|items|records)",
        "a limit on what the profile holds already, not on one request",
    ),
    (
        ".+",
        r"`.+` is not a field of a (dancer|choreographer)",
        "`PATCH /v1/me` takes the fields of the caller's active profile, whose type is"
        " the caller's state",
    ),
    (
        "dualWrite",
        r"reads still use legacy",
        "dual write can be turned off only once every read comes from the profiles: a"
        " rule on the stored flags",
    ),
]

STALE_VERSION = "urn:profiles:problem:stale-version"
"""A well-formed `If-Match` naming another version than the current one: 412 by HTTP's
rules (RFC 9110, 13.1.1); the schema can say what an ETag looks like, not which is
current."""


def _overruled(response: Any) -> bool:
    try:
        problem = json.loads(response.content)
    except (ValueError, TypeError):
        return False
    if not isinstance(problem, dict):
        return False
    if response.status_code == 412 and problem.get("type") == STALE_VERSION:
        return True
    errors = problem.get("errors")
    if response.status_code != 422 or not isinstance(errors, list) or not errors:
        return False
    return all(_unstatable(error) for error in errors)


def _unstatable(error: Any) -> bool:
    if not isinstance(error, dict):
        return False
    field, message = str(error.get("field", "")), str(error.get("message", ""))
    return any(
        re.fullmatch(fields, field) and re.fullmatch(pattern, message)
        for fields, pattern, _ in UNSTATABLE_RULES
    )


@schemathesis.hook
def filter_failure(
    context: schemathesis.HookContext, failure: Failure, case: Any, response: Any
) -> bool:
    """Keep every failure but a schema-valid request refused by an unstatable rule."""
    return not (failure.code == "ST202" and _overruled(response))

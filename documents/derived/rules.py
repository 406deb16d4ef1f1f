"""All the derived fields of a profile at once, and the digest of the rules that derive
them.

Every profile records the digest it was derived with (`derivedWith`). When a rule
changes (any module of this package), the digest changes, and `profiles migrate derive`
re-derives the profiles that carry another one: no script per rule change."""

import hashlib
from pathlib import Path
from typing import Any

from bson import ObjectId

from documents.derived.completeness import compute_completeness
from documents.derived.search_fields import search_fields
from documents.vocabulary import ProfileType


def _digest() -> str:
    package = Path(__file__).parent
    hasher = hashlib.sha256()
    for module in sorted(package.glob("*.py")):
        hasher.update(module.name.encode())
        hasher.update(module.read_bytes())
    return hasher.hexdigest()[:16]


RULES_DIGEST = _digest()
"""The rules of this release (the source of every module of `documents.derived`)."""


def derived_values(
    profile_type: ProfileType,
    fields: dict[str, Any],
    profile_id: ObjectId,
    *,
    project_count: int,
    training_count: int,
) -> dict[str, Any]:
    """`completeness`, `searchTokens`, `rankKey` of the profile `profile_id` with these
    owner fields (and `verified` for a choreographer) and these record counts, the
    counts themselves, and `derivedWith`."""
    score = compute_completeness(
        profile_type, fields, project_count=project_count, training_count=training_count
    ).score
    return {
        "completeness": score,
        **search_fields(profile_type, fields, score, profile_id),
        "projectCount": project_count,
        "trainingCount": training_count,
        "derivedWith": RULES_DIGEST,
    }

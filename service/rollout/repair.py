"""`profiles migrate verify --repair`: the fields `verify` found differing between a
legacy user and its primary profile, brought to agree, the older side taking the newer
one's value, through the service's own write path.

Each user is repaired in one transaction that reads the user and the profile and writes
one of them: a live write to either in between conflicts with it, and the repair runs
again from fresh reads (or, after `ATTEMPTS`, is reported and left for the next run).
Legacy newer (an older release wrote the user): the profile takes the mapped legacy
values through `replace_profile_fields` (version check, derived fields; no dual write,
which would write the profile's normalised values back over the legacy ones).
Profile newer: the user's fields take the profile's values as the dual write writes
them (`legacy_sets`), only the fields found differing. A legacy value that cannot be
mapped is recorded as an issue, and left where it is.

The CLI runs `migrations.verify` and hands its findings here: this use case needs the
service's rules (mapping, completeness, search fields) and `verify` must not.
"""

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import Any

from bson import ObjectId

from documents import User
from documents.clock import utc_now
from documents.collections import MIGRATION_ISSUES
from documents.legacy.fields import PROFILE_FIELDS
from documents.legacy.mapping import (
    Issue,
    legacy_updated_at,
    map_legacy_profile,
    normalise_profile_type,
)
from documents.legacy.mirror import legacy_sets
from documents.literal import literal
from service.platform.db import Session
from service.platform.errors import ConcurrentChange
from service.platform.transactions import run_in_transaction
from service.profiles.kinds import kind_of
from service.profiles.reads import as_profile
from service.profiles.writes import replace_profile_fields

ATTEMPTS = 3


class _Moved(Exception):
    """The profile changed between the repair's read and its write."""


async def repair_mismatches(mismatched: Mapping[ObjectId, Sequence[str]]) -> list[str]:
    """Repair each user's mismatched fields (documents bound by `connect`); one line per
    change, and one per mismatch left as it was (a missing profile, a live change)."""
    changes: list[str] = []
    for user_id, found in mismatched.items():
        for attempt in range(ATTEMPTS):
            try:
                changes += await run_in_transaction(partial(_repair, user_id, found))
                break
            except (_Moved, ConcurrentChange):
                if attempt == ATTEMPTS - 1:
                    changes.append(
                        f"user {user_id}: changed while being repaired; left for the next run"
                    )
    return changes


async def _repair(user_id: ObjectId, found: Sequence[str], session: Session) -> list[str]:
    users = User.get_pymongo_collection()
    user = await users.find_one({"_id": user_id}, session=session)
    profile_type = normalise_profile_type((user or {}).get("profileType"))
    if user is None or profile_type is None:
        return [f"user {user_id}: cannot repair {list(found)}"]
    kind = kind_of(profile_type)
    raw = await kind.document.get_pymongo_collection().find_one(
        {"userId": user_id}, session=session
    )
    if raw is None:
        return [f"user {user_id}: no {profile_type} profile; run `profiles migrate up`"]
    expected, issues = map_legacy_profile(user, profile_type)
    changes: list[str] = []
    holding: set[str] = set()  # fields with a part the profile cannot hold
    for field in found:
        for issue in issues:
            if issue.field == field or issue.field.startswith(field + "."):
                await _record_issue(user_id, issue, session)
                changes.append(f"user {user_id} {field}: recorded {issue.rule} {issue.raw!r}")
                holding.add(field)
    fields = [f for f in found if f in PROFILE_FIELDS[profile_type]]
    if not fields:
        return changes
    if legacy_updated_at(user) > _aware(raw.get("updatedAt")):
        # the profile takes the mapped legacy value (what it cannot hold left out, and
        # recorded above); the legacy fields are the source here, so nothing is mirrored
        # back onto them (the mirror would write the profile's normalised forms over them)
        values = {f: expected[f] for f in fields if f in expected}
        if not values:
            return changes  # nothing of it the profile can hold: recorded, left as it is
        updated = await replace_profile_fields(
            kind, as_profile(kind, raw), values, session, mirror=False
        )
        if updated is None:
            raise _Moved
        return changes + [f"user {user_id} {f}: profile <- legacy" for f in values]
    # never over a legacy value the profile cannot hold: it may be its only copy
    sets = legacy_sets(profile_type, raw, user.get("profileType"))
    writable = [f for f in fields if f not in holding and f in sets]
    if writable:
        await users.update_one(
            {"_id": user_id}, [{"$set": literal({f: sets[f] for f in writable})}], session=session
        )
    return changes + [f"user {user_id} {f}: legacy <- profile" for f in writable]


async def _record_issue(user_id: ObjectId, issue: Issue, session: Session) -> None:
    """Record a legacy value the profile cannot hold (one record per user, field, rule
    and list element, as the migrations record them)."""
    collection = User.get_pymongo_collection().database[MIGRATION_ISSUES]
    key = {"userId": user_id, "field": issue.field, "rule": issue.rule, "index": issue.index}
    await collection.update_one(
        key,
        [{"$set": literal({"raw": issue.raw, "script": "repair", "recordedAt": utc_now()})}],
        upsert=True,
        session=session,
    )


def _aware(value: Any) -> datetime:
    if not isinstance(value, datetime):
        return datetime.min.replace(tzinfo=UTC)
    return value if value.tzinfo else value.replace(tzinfo=UTC)

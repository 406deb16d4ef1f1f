"""`profiles migrate derive`: bring every profile's derived fields to this release's rules.

A profile records the digest of the rules it was derived with (`derivedWith`,
`documents.derived.rules`). Every write of the service derives with today's rules and
stamps today's digest; this step re-derives the profiles that carry another (or none):
online (no transaction, no lock: each profile is written on its own, only if its
`version` is still the one read, so a write of the service in between wins and nothing
newer is overwritten), in batches, and resumable by its very query (a profile derived
drops out of it). The deploy job runs it after `profiles migrate up`; `up` also runs it
before the first script that rescans derived fields, which then finds nothing stale, so a
fresh database derives each profile once. Readiness does not wait for it: until it is
done, search reads the fields a profile has.

It does not move `version`: the owner's fields did not change, and an `If-Match` read
before must still hold.
"""

import time
from collections import Counter
from typing import Any

from pymongo import UpdateOne
from pymongo.asynchronous.database import AsyncDatabase

from documents.derived.rules import RULES_DIGEST, derived_values
from documents.profile_base import SERVER_FIELDS
from migrations import collections as names
from migrations.counts import counts_by
from migrations.report import Report

Document = dict[str, Any]
STALE: Document = {"derivedWith": {"$ne": RULES_DIGEST}}
"""Profiles derived with other rules than this release's, or with none recorded."""


async def derive_stale(
    db: AsyncDatabase[Document], *, batch_size: int = 500, report: Report | None = None
) -> Counter[str]:
    """Re-derive every profile whose derived fields are not of this release's rules;
    returns the counts (`derived`, `written meanwhile`)."""
    stats: Counter[str] = Counter()
    started = time.monotonic()
    for profile_type, collection in names.PROFILE_COLLECTIONS.items():
        # the progress's total: the collection's size from its metadata, an upper bound
        # (counting the stale ones would read the whole collection once more)
        total = await db[collection].estimated_document_count()
        done = 0
        last: Any = None
        while True:
            query = STALE if last is None else {**STALE, "_id": {"$gt": last}}
            profiles = (
                await db[collection].find(query, sort=[("_id", 1)], limit=batch_size).to_list()
            )
            if not profiles:
                break
            last = profiles[-1]["_id"]
            # the profiles first, then their records: a record added in between also
            # moved the profile's version, so the write below skips it
            ids = [profile["_id"] for profile in profiles]
            projects = await counts_by(db, names.PROJECTS, "profileId", ids, None)
            training = await counts_by(db, names.TRAINING, "profileId", ids, None)
            writes = []
            for raw in profiles:
                fields = _fields(raw)
                values = derived_values(
                    profile_type,  # type: ignore[arg-type]
                    fields,
                    raw["_id"],
                    project_count=projects.get(raw["_id"], 0),
                    training_count=training.get(raw["_id"], 0),
                )
                writes.append(
                    UpdateOne({"_id": raw["_id"], "version": raw.get("version")}, {"$set": values})
                )
            if writes:
                result = await db[collection].bulk_write(writes, ordered=False)
                stats["derived"] += result.matched_count
                stats["written meanwhile"] += len(writes) - result.matched_count
            done += len(profiles)
            if report is not None:
                report.phase(0, f"derive:{collection}", collection, done, max(total, done))
        if report is not None and done:
            report.phase(0, f"derive:{collection}", collection, done, done)
    if report is not None:
        took = int((time.monotonic() - started) * 1000)
        counters = ", ".join(f"{key} {value}" for key, value in sorted(stats.items()))
        report.note(
            f"derive: rules {RULES_DIGEST} in {took} ms" + (f"; {counters}" if counters else "")
        )
    return stats


def derived_now(
    profile_type: str, raw: Document, *, project_count: int, training_count: int
) -> Document:
    """The derived fields of a profile document about to be written (its `_id` set), by
    this release's rules and stamped with them: what `derive_stale` would write next, so
    it passes over the profile (a fresh database derives each profile once, as it is
    created)."""
    return derived_values(
        profile_type,  # type: ignore[arg-type]
        _fields(raw),
        raw["_id"],
        project_count=project_count,
        training_count=training_count,
    )


def _fields(raw: Document) -> dict[str, Any]:
    """The fields of a stored profile the rules derive from: all but what the server
    keeps (the service derives from the same, read through its model; the rules read
    both alike), `verified` included."""
    fields = {key: value for key, value in raw.items() if key not in SERVER_FIELDS}
    fields.pop("_id", None)
    if raw.get("verified") is not None:
        fields["verified"] = raw["verified"]
    return fields

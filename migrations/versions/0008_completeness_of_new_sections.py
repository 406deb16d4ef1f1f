"""Completeness with the phase-6 sections: recompute every profile's score.

The weights changed (videos, availability, portfolio, rate cards and workshops count
now; `migrations.frozen.completeness_0008`), so every stored `completeness` is
recomputed, with the profile's project and training record counts, and `rankKey` with it
(listings order by it). Profiles whose values are already current are left alone; re-running changes
nothing. `down` has nothing to undo: the previous release recomputes on its next write.
"""

from collections import Counter

from pymongo import UpdateOne

from migrations import collections as names
from migrations.context import Batch, Document, MigrationContext
from migrations.counts import counts_by
from migrations.frozen.completeness_0008 import compute_completeness
from migrations.frozen.search_fields_0006 import rank_key

DESTRUCTIVE = False
DERIVES = True
"""It rewrites derived fields: the runner first brings every profile to this release's
rules (`migrations.derive`), and the script passes over the profiles that already are."""


async def _counts(
    ctx: MigrationContext, collection: str, profile_ids: list[object], batch: Batch
) -> Counter[object]:
    return await counts_by(ctx.db, collection, "profileId", profile_ids, batch.session)


async def up(ctx: MigrationContext) -> None:
    """Recompute completeness and rankKey of every profile."""
    for profile_type, collection in names.PROFILE_COLLECTIONS.items():

        async def handle(
            profiles: list[Document],
            batch: Batch,
            profile_type: str = profile_type,
            collection: str = collection,
        ) -> None:
            ids = [profile["_id"] for profile in profiles]
            projects = await _counts(ctx, names.PROJECTS, ids, batch)
            training = await _counts(ctx, names.TRAINING, ids, batch)
            for profile in profiles:
                score = compute_completeness(
                    profile_type,  # type: ignore[arg-type]
                    profile,
                    project_count=projects.get(profile["_id"], 0),
                    training_count=training.get(profile["_id"], 0),
                ).score
                key = rank_key(score, profile["_id"])
                if profile.get("completeness") == score and profile.get("rankKey") == key:
                    batch.counts[f"{collection} already current"] += 1
                    continue
                batch.write(
                    collection,
                    UpdateOne(
                        {"_id": profile["_id"]}, {"$set": {"completeness": score, "rankKey": key}}
                    ),
                    f"{collection} rescored",
                )

        await ctx.batches(
            collection,
            collection,
            ctx.not_derived_now(),
            handle,
            final=collection == names.CHOREOGRAPHERS,
        )


async def down(ctx: MigrationContext) -> None:
    """Nothing to undo (scores are derived; the previous release rescores on write)."""

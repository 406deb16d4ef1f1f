"""`rankKey` with a spread: completeness, then 8 hex digits of a hash of the id, then the id.

Search reads a listing a narrow `rankKey` range at a time; the profiles of one
completeness must lie evenly over that range, which ids made in a burst (a migration)
do not. Every profile's `rankKey` is rewritten as `<100 - completeness><spread><_id>`
(the spread: BLAKE2b of the id's 12 bytes, 4 bytes as hex). The formula is written out
here, not imported, so this script keeps its meaning whatever the service does later.
Re-running changes nothing. `down` writes the previous form, `<100 - completeness><_id>`.
The index `(listed, searchTokens, rankKey)` serves both forms; a cursor handed out
before the change resumes at the right completeness, perhaps repeating or skipping
within it once.
"""

import hashlib
from collections.abc import Callable

from bson import ObjectId
from pymongo import UpdateOne

from migrations import collections as names
from migrations.context import Batch, Document, MigrationContext

DESTRUCTIVE = False
DERIVES = True
"""It rewrites derived fields: the runner first brings every profile to this release's
rules (`migrations.derive`), and the script passes over the profiles that already are."""


def _level(profile: Document) -> str:
    completeness = profile.get("completeness")
    score = completeness if isinstance(completeness, int) else 0
    return f"{100 - min(max(score, 0), 100):03d}"


def spread_key(profile: Document) -> str:
    """The `rankKey` this script writes."""
    profile_id: ObjectId = profile["_id"]
    spread = hashlib.blake2b(profile_id.binary, digest_size=4).hexdigest()
    return f"{_level(profile)}{spread}{profile_id}"


def plain_key(profile: Document) -> str:
    """The `rankKey` before this script."""
    return f"{_level(profile)}{profile['_id']}"


async def _rewrite(
    ctx: MigrationContext, key_of: Callable[[Document], str], step: str, query: Document
) -> None:
    for collection in names.PROFILE_COLLECTIONS.values():

        async def handle(
            profiles: list[Document], batch: Batch, collection: str = collection
        ) -> None:
            for profile in profiles:
                key = key_of(profile)
                if profile.get("rankKey") == key:
                    batch.counts[f"{collection} already current"] += 1
                    continue
                # a key of this script's form is not of the release's rules: the profile
                # is derived again by the next `profiles migrate derive`
                batch.write(
                    collection,
                    UpdateOne(
                        {"_id": profile["_id"]},
                        {"$set": {"rankKey": key}, "$unset": {"derivedWith": ""}},
                    ),
                    f"{collection} rankKey rewritten",
                )

        await ctx.batches(
            f"{step}:{collection}",
            collection,
            query,
            handle,
            final=collection == names.CHOREOGRAPHERS,
        )


async def up(ctx: MigrationContext) -> None:
    """Rewrite every profile's `rankKey` with the spread."""
    await _rewrite(ctx, spread_key, "up", ctx.not_derived_now())


async def down(ctx: MigrationContext) -> None:
    """Rewrite every profile's `rankKey` in the previous form."""
    await _rewrite(ctx, plain_key, "down", {})

"""Remove the legacy profile fields from users (plan 5.2). DESTRUCTIVE.

Runs only with `--allow-destructive`, and only when verify reports zero mismatches.
Every value it removes is first copied, in the same batch transaction, into
`legacy_user_backup` (one document per user, values as stored); `down` restores them
from there, exactly (written as literals: a key with a dot or a leading `$` inside a
value is kept as it was). Dual write is switched off and reads go to the profiles, since the
legacy fields no longer exist.
"""

import asyncio

from pymongo import DeleteOne, UpdateOne

from migrations import collections as names
from migrations.context import Batch, Document, MigrationContext
from migrations.literal import literal_set
from migrations.lock import now

DESTRUCTIVE = True

LEGACY_FIELDS = (
    "profileType",
    "displayName",
    "bio",
    "headshots",
    "attributes",
    "sizing",
    "resume",
    "links",
    "sagAftraId",
    "companyName",
    "workLocation",
    "training",
    "representationStatus",
    "representation",
    "searchPattern",
)
FLAGS = "feature_flags"
# The service caches the flags for 2 seconds per process: once dual write is off, wait
# longer than that, so no process still mirrors a write onto a user being stripped.
FLAG_PROPAGATION_SECONDS = 3.0


async def precondition(ctx: MigrationContext) -> str | None:
    """Refuse while verify (as it is today) finds mismatches."""
    mismatches = await ctx.verify_mismatches()
    if mismatches:
        return f"verify reports {mismatches} mismatches; run `profiles migrate verify`"
    return None


async def up(ctx: MigrationContext) -> None:
    """Switch dual write off, then back up and remove every legacy profile field."""
    if not ctx.dry_run:
        flags = await ctx.db[FLAGS].find_one({"_id": "rollout"}) or {}
        if flags.get("dualWrite") is not False or flags.get("readSource") != "profiles":
            await ctx.db[FLAGS].update_one(
                {"_id": "rollout"},
                {"$set": {"dualWrite": False, "readSource": "profiles", "updatedAt": now()}},
                upsert=True,
            )
            await asyncio.sleep(FLAG_PROPAGATION_SECONDS)

    async def handle(users: list[Document], batch: Batch) -> None:
        for user in users:
            fields = {name: user[name] for name in LEGACY_FIELDS if name in user}
            batch.write(
                names.LEGACY_BACKUP,
                UpdateOne(
                    {"_id": user["_id"]},
                    literal_set({"fields": fields, "backedUpAt": now()}),
                    upsert=True,
                ),
                "users backed up",
            )
            batch.write(
                names.USERS,
                UpdateOne({"_id": user["_id"]}, {"$unset": dict.fromkeys(fields, "")}),
                "users stripped",
            )

    query = {"$or": [{name: {"$exists": True}} for name in LEGACY_FIELDS]}
    await ctx.batches("users", names.USERS, query, handle, final=True)


async def down(ctx: MigrationContext) -> None:
    """Put every backed-up value back on its user and switch dual write on again."""

    async def handle(backups: list[Document], batch: Batch) -> None:
        for backup in backups:
            batch.write(
                names.USERS,
                UpdateOne({"_id": backup["_id"]}, literal_set(backup["fields"])),
                "users restored",
            )
            batch.write(names.LEGACY_BACKUP, DeleteOne({"_id": backup["_id"]}), "backups removed")

    await ctx.batches("down:users", names.LEGACY_BACKUP, {}, handle)
    await ctx.db[FLAGS].update_one(
        {"_id": "rollout"},
        {"$set": {"dualWrite": True, "readSource": "legacy", "updatedAt": now()}},
        upsert=True,
    )

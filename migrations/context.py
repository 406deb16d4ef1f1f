"""What a migration script gets to work with: batched, resumable, fenced writes.

`MigrationContext.batches` streams a collection in `_id` order, `batch_size` documents at
a time. For each batch the script's handler plans writes and issues on a `Batch`; the
context then commits, in one transaction: the fencing check (first, before the batch's
reads), the bulk writes, the issues and the checkpoint (last `_id` done). A run killed
at any instant resumes after the last committed checkpoint; every planned write is also
idempotent on its own, so servers without transactions re-run safely. In a dry run
nothing is written: the plans are only counted.
"""

import contextlib
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any

from bson import ObjectId
from pymongo import IndexModel, ReadPreference, UpdateOne, WriteConcern
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import ConnectionFailure
from pymongo.read_concern import ReadConcern

from migrations import collections as names
from migrations.derive import STALE, derived_now
from migrations.errors import MigrationError
from migrations.literal import literal_set
from migrations.lock import MigrationLock, now
from migrations.lookups import find_by_ids
from migrations.report import Report
from migrations.undo import changes, save_operation, undo_record
from migrations.verify import find_mismatches

Document = dict[str, Any]
TRANSACTION_OPTIONS: dict[str, Any] = {
    "read_concern": ReadConcern("snapshot"),
    "write_concern": WriteConcern("majority"),
    "read_preference": ReadPreference.PRIMARY,
}
"""Every batch's transaction: its reads from one snapshot, its commit acknowledged by a
majority (what survives a failover), on the primary; whatever the URL says."""
RECORDED = "recorded "
"""The prefix of the counters of issue records, one per rule (`recorded height-unrecognised`),
stored with the script's state so that `status` shows them without a rescan."""
ISSUE_KEY = ("userId", "field", "rule", "index")
"""What identifies an issue record (`index`: null for a whole field)."""
INDEX_BUILD_TIMEOUT_MS = 3_600_000
"""How long one index build may take before the run gives up (an hour)."""
WriteOp = Any  # a PyMongo bulk operation (InsertOne, UpdateOne, DeleteOne, ...)


@dataclass
class Batch:
    """The writes and issues a handler plans for one batch, and its counters."""

    session: AsyncClientSession | None
    writes: dict[str, list[WriteOp]] = field(default_factory=dict)
    issues: list[Document] = field(default_factory=list)
    undo: list[tuple[str, Document, str, Any]] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def transactional(self) -> bool:
        """Whether the batch runs in a transaction. In one, a write to a document changed
        since the batch read it conflicts and the batch is retried from its reads, so a
        write needs no condition repeating what the read checked; without one (a server
        without transactions) it does."""
        return self.session is not None

    def write(self, collection: str, operation: WriteOp, counter: str = "written") -> None:
        """Plan one write to `collection`, counted under `counter`."""
        self.writes.setdefault(collection, []).append(operation)
        self.counts[counter] += 1

    def issue(
        self,
        user_id: ObjectId | None,
        field_name: str,
        rule: str,
        raw: Any,
        index: int | None = None,
    ) -> None:
        """Record a value that could not be carried over (idempotent per user, field, rule
        and, for an element of a list, its index in the legacy list)."""
        self.issues.append(
            {"userId": user_id, "field": field_name, "rule": rule, "index": index, "raw": raw}
        )
        self.counts["issues"] += 1
        self.counts[f"{RECORDED}{rule}"] += 1

    def overwrite(
        self,
        collection: str,
        document: Document,
        field_name: str,
        new: Any,
        user_id: Any,
    ) -> bool:
        """Whether setting `field_name` of `document` to `new` (`undo.ABSENT`: removing
        it) changes it. When the field is present, what it holds is kept for `down`
        (`migrations.undo`), committed with the batch's writes, even when it already
        holds `new`: `down` puts back what was there, not what the script would set."""
        if field_name in document:
            self.undo.append((collection, document, field_name, user_id))
            self.counts["present before (kept for down)"] += 1
        return changes(document, field_name, new)


Handler = Callable[[list[Document], Batch], Awaitable[None]]


@dataclass(frozen=True)
class Keep:
    """Which documents a script handles, decided from a few fields read with the ids."""

    fields: tuple[str, ...]
    decide: Callable[[Document], bool]


@dataclass(frozen=True)
class _Scope:
    query: Document
    keep: Keep | None
    projection: Document | None


class MigrationContext:
    """The database, the options of this run, and the batch machinery, for one script."""

    def __init__(
        self,
        db: AsyncDatabase[Document],
        *,
        version: int,
        lock: MigrationLock | None,
        transactions: bool,
        dry_run: bool = False,
        batch_size: int = 500,
        limit: int | None = None,
        force: bool = False,
        report: Report | None = None,
        session: AsyncClientSession | None = None,
    ) -> None:
        self.db = db
        self.version = version
        self.lock = lock
        self.transactions = transactions
        self.dry_run = dry_run
        self.batch_size = batch_size
        self.limit = limit
        self.force = force
        self.report = report
        self.session = session
        self.stats: Counter[str] = Counter()
        self.recount: Counter[str] = Counter()
        """Counters a script works out whole on every run, outside batches (stored as
        they are when it finishes, where batch counters add up across resumed runs)."""
        self.processed = 0  # documents handled (what `limit` counts)
        self.passed_over = 0  # documents `keep` passed over
        self.total = 0
        self.partial = False
        self._dry_checkpoints: dict[str, Any] = {}
        self._phase: tuple[str, str, int, int] | None = None
        """The running phase: its name, its collection, `seen` when it began, its total."""
        self._started = time.monotonic()

    def derived_now(
        self, profile_type: str, raw: Document, *, project_count: int, training_count: int
    ) -> Document:
        """The derived fields (completeness, search fields, record counts, `derivedWith`)
        of a profile document a script is about to write, by the running release's rules
        (`migrations.derive`): derived fields are recomputed whenever rules change, so a
        script that creates profiles derives them once, as `profiles migrate derive`
        would next, instead of by rules of its own that `derive` then replaces."""
        return derived_now(
            profile_type, raw, project_count=project_count, training_count=training_count
        )

    def not_derived_now(self) -> Document:
        """The query of the profiles whose derived fields are not of this release's
        rules (a rescan of derived fields passes over the others: `migrations.derive`)."""
        return dict(STALE)

    async def create_indexes(self, collection: str, models: list[IndexModel]) -> list[str]:
        """Build `models` on `collection` as a deploy should: committed once a majority
        of the replica set's voting members have built them (`commitQuorum`: one member
        down does not stall the build) and given up after `INDEX_BUILD_TIMEOUT_MS` (the
        run stops; a re-run builds what is missing). An index that exists is left."""
        built: list[str] = await self.db[collection].create_indexes(
            models, commitQuorum="majority", maxTimeMS=INDEX_BUILD_TIMEOUT_MS
        )
        return built

    def _exclusive(self) -> AbstractAsyncContextManager[Any]:
        """While a batch runs, the lock's heartbeat waits (the batch's fence moves the
        expiry on itself)."""
        return self.lock.exclusive() if self.lock is not None else contextlib.nullcontext()

    @property
    def seen(self) -> int:
        """Documents handled or passed over so far (what the status's "K of M" counts)."""
        return self.processed + self.passed_over

    async def verify_mismatches(self) -> int:
        """How many mismatches `profiles migrate verify` finds now: today's verify, so
        that a gate before a destructive step judges the data by today's rules whatever
        the script's age."""
        return len(await find_mismatches(self.db))

    async def _checkpoint(self, phase: str) -> Any:
        if self.dry_run:
            return self._dry_checkpoints.get(phase)
        state = await self.db[names.STATE].find_one({"_id": self.version}, {"checkpoints": 1})
        return ((state or {}).get("checkpoints") or {}).get(phase)

    async def batches(
        self,
        phase: str,
        collection: str,
        query: Document,
        handler: Handler,
        *,
        final: bool = False,
        keep: Keep | None = None,
        projection: Document | None = None,
    ) -> None:
        """Run `handler` over every document of `collection` matching `query`, in batches,
        resuming after the checkpoint of `phase`. In the `final` phase of a script, the
        last batch, if nothing matches after it, also marks the script applied in its
        transaction.

        `keep`, when given, names the fields it needs and decides from them (read with
        the ids) whether a document is the script's at all; the others are passed over
        without being read whole (counted as "passed over"). `projection` limits the
        fields the handler gets.

        The ids come from one cursor, in `_id` order, opened once (a range on `_id` per
        batch would cost a collection scan each on a server that does not read ranges of
        the `_id` index, the embedded one); each batch then reads its documents by id
        inside its transaction and checks `query` again, so a document changed since the
        ids were read is handled as it is now, or skipped if it no longer matches.
        """
        last = await self._checkpoint(phase)
        phase_total = await self._phase_total(collection, _after(query, last))
        seen_before = self.seen
        scope = _Scope(query, keep, projection)
        self._phase = (phase, collection, seen_before, phase_total)
        self._report()
        while True:
            outcome = await self._stream(phase, collection, scope, handler, last, final)
            if outcome is None:
                break
            last = outcome
        if not self.partial:
            # the phase's real total, now that it is known: what it read
            phase_total = self.seen - seen_before
            self._phase = (phase, collection, seen_before, phase_total)
            self._report()
        self.total += phase_total

    async def _phase_total(self, collection: str, query: Document) -> int:
        """The documents a phase will read, as far as its progress needs to know before
        it reads them. With `limit` (a partial run by design, which `status` shows as
        "N of M"), the exact count. Otherwise the collection's size from its metadata,
        an upper bound that reads no document: counting a phase's query reads every
        document it matches (every document of the collection for a filter no index
        serves), once more per phase than the phase itself; the phase reports its
        real total when it ends."""
        if self.limit is not None:
            return await self.db[collection].count_documents(query)
        return await self.db[collection].estimated_document_count()

    async def _stream(
        self,
        phase: str,
        collection: str,
        scope: _Scope,
        handler: Handler,
        last: Any,
        final: bool,
    ) -> Any:
        """Batches over one cursor of ids after `last`; returns the last id handled when
        more matching documents appeared after the cursor ended (read them too), else
        None."""
        fields = {"_id": 1, **dict.fromkeys(scope.keep.fields if scope.keep else (), 1)}
        cursor = self.db[collection].find(
            _after(scope.query, last), fields, sort=[("_id", 1)], batch_size=self.batch_size
        )
        pending: list[Any] = []
        exhausted = False
        try:
            while True:
                size = self.batch_size
                if self.limit is not None:
                    size = min(size, self.limit - self.processed)
                    if size <= 0:
                        self.partial = True
                        return None
                while len(pending) <= size and not exhausted:
                    try:
                        row = await anext(cursor, None)
                    except ConnectionFailure as error:
                        raise MigrationError(f"the database stopped answering: {error}") from error
                    if row is None:
                        exhausted = True
                    elif scope.keep is None or scope.keep.decide(row):
                        pending.append(row["_id"])
                    else:
                        self.passed_over += 1
                        self.stats["passed over"] += 1
                if not pending:
                    return None
                ids, pending = pending[:size], pending[size:]
                closing = final and exhausted and not pending and self.limit is None
                count, more_after = await self._run_batch(
                    phase, collection, scope, handler, ids, closing
                )
                self.processed += count
                self._report()
                if more_after:
                    return ids[-1]
        finally:
            await cursor.close()

    async def _run_batch(
        self,
        phase: str,
        collection: str,
        scope: _Scope,
        handler: Handler,
        ids: list[Any],
        closing: bool,
    ) -> tuple[int, bool]:
        """One batch in one transaction; returns how many documents it handled and, for
        the closing batch, whether matching documents appeared after it."""

        attempts = 0

        async def work(session: AsyncClientSession | None) -> tuple[int, bool, Counter[str]]:
            nonlocal attempts
            attempts += 1
            if self.lock is not None and not self.dry_run:
                await self.lock.fence(session)  # first: the batch's reads come after it
            docs = await find_by_ids(
                self.db,
                collection,
                ids,
                scope.query,
                projection=scope.projection,
                session=session,
            )
            batch = Batch(session=session)
            if docs:
                await handler(docs, batch)
            batch.counts["read"] += len(docs)
            more_after = closing and bool(
                await self.db[collection].find_one(
                    _after(scope.query, ids[-1]), {"_id": 1}, session=session
                )
            )
            if not self.dry_run:
                applied = closing and not more_after
                await self._commit(batch, phase, ids[-1], session, applied=applied)
            return len(docs), more_after, batch.counts

        try:
            async with self._exclusive():
                if self.transactions and not self.dry_run and self.session is not None:
                    result = await self.session.with_transaction(work, **TRANSACTION_OPTIONS)
                elif self.transactions and not self.dry_run:
                    async with self.db.client.start_session() as session:
                        result = await session.with_transaction(work, **TRANSACTION_OPTIONS)
                else:
                    result = await work(None)
        except ConnectionFailure as error:
            raise MigrationError(f"the database stopped answering: {error}") from error
        count, more_after, counts = result
        self.stats.update(counts)
        if attempts > 1:
            self.stats["batches retried"] += attempts - 1  # aborted by a write conflict
        if self.dry_run:
            self._dry_checkpoints[phase] = ids[-1]
        return count, more_after

    async def _commit(
        self,
        batch: Batch,
        phase: str,
        last_id: Any,
        session: AsyncClientSession | None,
        *,
        applied: bool = False,
    ) -> None:
        # the issues first: without a transaction, a run killed between these writes and
        # re-run finds the profile made and would not plan its issues again
        if batch.issues:
            await self.db[names.ISSUES].bulk_write(
                [
                    UpdateOne(
                        {key: i[key] for key in ISSUE_KEY},
                        literal_set({**i, "script": self.version, "recordedAt": now()}),
                        upsert=True,
                    )
                    for i in batch.issues
                ],
                session=session,
            )
        if batch.undo:
            await self.db[names.UNDO].bulk_write(
                [
                    save_operation(undo_record(self.version, *planned), now())
                    for planned in batch.undo
                ],
                session=session,
            )
        for collection, operations in batch.writes.items():
            await self.db[collection].bulk_write(operations, ordered=True, session=session)
        counts = {f"stats.{key}": value for key, value in batch.counts.items()}
        await self.db[names.STATE].update_one(
            {"_id": self.version},
            {
                "$set": {
                    f"checkpoints.{phase}": last_id,
                    "heartbeatAt": now(),
                    **({"status": "applied", "appliedAt": now()} if applied else {}),
                },
                "$inc": counts,
            },
            upsert=True,
            session=session,
        )

    def _report(self) -> None:
        """The running phase's progress: documents of its collection handled or passed
        over, of those there were when it began (more may appear meanwhile)."""
        if self.report is None or self._phase is None:
            return
        phase, collection, seen_before, total = self._phase
        done = self.seen - seen_before
        self.report.phase(self.version, phase, collection, done, max(total, done))


def _after(query: Document, last: Any) -> Document:
    """`query`, and `_id` after `last` (when given)."""
    if last is None:
        return query
    if "_id" in query:
        return {"$and": [query, {"_id": {"$gt": last}}]}
    return {**query, "_id": {"$gt": last}}


def server_has_transactions(hello: Document) -> bool:
    """True for replica-set members and mongos (they run multi-document transactions)."""
    return bool(hello.get("setName")) or hello.get("msg") == "isdbgrid"

"""A profile's project credits and training records: documents of their own (`projects`,
`training`), read and written under the profile that owns them.

The profile is the aggregate. Every write reads the profile, checks the caller may write
it and its `version` against `If-Match`, then in one transaction writes the record,
recomputes the profile's derived fields (completeness counts these records) and stores
them with a version bump through `write_profile_changes`, conditional on the version
read. The profile's version is therefore the ETag of its records too, and a record never
changes without the profile noticing. A concurrent change of the profile aborts the
transaction: it starts again from the fresh profile, or is a 412 when the caller named
the version it read (`service.profiles.updates`).
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from beanie import Document
from bson import Decimal128, ObjectId

from documents import Project, Training
from documents.profile_base import ProfileDocument
from documents.vocabulary import ProfileType
from service.platform.caller import Caller
from service.platform.db import MongoDocument, Session
from service.platform.errors import InvalidInput, NotFound
from service.platform.transactions import run_in_transaction
from service.profiles.access import sees_full_view
from service.profiles.kinds import kind_of
from service.profiles.reads import load_profile, parse_object_id
from service.profiles.results import ContentResult
from service.profiles.updates import ProfileMoved, update_with_retries
from service.profiles.writes import (
    derived_fields,
    record_counts,
    search_inputs,
    write_profile_changes,
)

T = TypeVar("T")

MAX_RECORDS = 200
"""Records of each kind one profile may hold (legacy profiles above it keep theirs)."""


@dataclass(frozen=True)
class RecordKind:
    """One collection of records that belong to a profile."""

    path: str
    noun: str
    document: type[Document]
    fields: tuple[str, ...]
    """The fields a client writes, in the order a record shows them."""
    required: str
    """The field a record must keep (a patch cannot clear it)."""
    order: tuple[tuple[str, int], ...]
    """How a profile's records are listed."""
    year_range: tuple[str, str] | None = None
    """Start and end years: the end may not come before the start."""

    def check(self, record: dict[str, Any], written: set[str]) -> None:
        """`InvalidInput` when the `written` fields leave `record` invalid; values a
        write does not touch (legacy ones among them) are kept as they are."""
        errors = []
        if self.required in written and record.get(self.required) in (None, ""):
            errors.append({"field": self.required, "message": "is required"})
        if self.year_range is not None and written & set(self.year_range):
            first, last = self.year_range
            start, end = record.get(first), record.get(last)
            if isinstance(start, int) and isinstance(end, int) and end < start:
                errors.append({"field": last, "message": f"comes before `{first}`"})
        if errors:
            raise InvalidInput(
                f"this {self.noun} is not valid: " + ", ".join(e["field"] for e in errors),
                extra={"errors": errors},
            )


RECORD_KINDS: dict[str, RecordKind] = {
    "projects": RecordKind(
        path="projects",
        noun="project",
        document=Project,
        fields=("title", "type", "role", "year", "company", "link"),
        required="title",
        order=(("year", -1), ("_id", 1)),
    ),
    "training": RecordKind(
        path="training",
        noun="training record",
        document=Training,
        fields=("name", "type", "instructors", "location", "startYear", "endYear"),
        required="name",
        order=(("startYear", -1), ("_id", 1)),
        year_range=("startYear", "endYear"),
    ),
}


def record_kind(path: str) -> RecordKind:
    """The records served at `path`, or `NotFound`."""
    kind = RECORD_KINDS.get(path)
    if kind is None:
        raise NotFound(f"a profile has no records called {path!r}")
    return kind


def record_view(kind: RecordKind, raw: MongoDocument) -> dict[str, Any]:
    """A stored record as JSON-ready data: `id`, the owner ids, every declared field
    (null when absent) and whatever else a legacy record carries."""
    view: dict[str, Any] = {
        "id": str(raw["_id"]),
        "profileId": None,
        "userId": None,
        **dict.fromkeys(kind.fields),
    }
    view.update({key: _plain(value) for key, value in raw.items() if key != "_id"})
    return view


def _plain(value: Any) -> Any:
    if isinstance(value, ObjectId):
        return str(value)
    if isinstance(value, Decimal128):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


async def list_records(
    caller: Caller, profile_type: ProfileType, profile_id: str, path: str
) -> ContentResult:
    """Every record of this kind of the profile, in the kind's order (any caller with a
    token may read them; they hold nothing private)."""
    kind = record_kind(path)
    profile = await load_profile(kind_of(profile_type), profile_id)
    # an unlisted profile's records: its owner and admins only (one view for all of them:
    # records hold nothing private, so their ETag is the same for every reader)
    await sees_full_view(caller, profile)
    cursor = kind.document.get_pymongo_collection().find(
        {"profileId": profile.id}, sort=list(kind.order)
    )
    records = [record_view(kind, raw) async for raw in cursor]
    return ContentResult(records, profile.version)


async def create_record(
    caller: Caller,
    profile_type: ProfileType,
    profile_id: str,
    path: str,
    fields: dict[str, Any],
    if_match: int | None,
) -> ContentResult:
    """Add a record to the profile (its owner or an admin); at most `MAX_RECORDS`."""
    kind = record_kind(path)
    kind.check(fields, set(kind.fields))

    async def insert(
        profile: ProfileDocument, session: Session, counts: tuple[int, int]
    ) -> dict[str, Any]:
        collection = kind.document.get_pymongo_collection()
        held = _of_kind(kind, counts)
        if held >= MAX_RECORDS:
            raise InvalidInput(
                f"a profile holds at most {MAX_RECORDS} {kind.path} records and this one"
                f" has {held}; delete one first",
                extra={"errors": [{"field": kind.path, "message": "too many records"}]},
            )
        raw = {
            "_id": ObjectId(),
            "userId": profile.userId,
            "profileId": profile.id,
            **{name: fields.get(name) for name in kind.fields},
        }
        await collection.insert_one(raw, session=session)
        return record_view(kind, raw)

    record, version = await _change_records(
        caller, profile_type, profile_id, if_match, insert, _added(kind, 1)
    )
    return ContentResult(record, version)


async def update_record(
    caller: Caller,
    profile_type: ProfileType,
    profile_id: str,
    path: str,
    record_id: str,
    patch: dict[str, Any],
    if_match: int | None,
) -> ContentResult:
    """Apply a JSON merge patch (`null` clears a field) to one of the profile's records."""
    kind = record_kind(path)
    oid = parse_object_id(record_id, kind.noun)

    async def change(
        profile: ProfileDocument, session: Session, counts: tuple[int, int]
    ) -> dict[str, Any]:
        collection = kind.document.get_pymongo_collection()
        query = {"_id": oid, "profileId": profile.id}
        current = await collection.find_one(query, session=session)
        if current is None:
            raise _missing(kind, record_id)
        kind.check({**current, **patch}, set(patch))
        if patch:
            await collection.update_one(query, {"$set": patch}, session=session)
        return record_view(kind, {**current, **patch})

    record, version = await _change_records(caller, profile_type, profile_id, if_match, change)
    return ContentResult(record, version)


async def delete_record(
    caller: Caller,
    profile_type: ProfileType,
    profile_id: str,
    path: str,
    record_id: str,
    if_match: int | None,
) -> ContentResult:
    """Remove one of the profile's records."""
    kind = record_kind(path)
    oid = parse_object_id(record_id, kind.noun)

    async def remove(profile: ProfileDocument, session: Session, counts: tuple[int, int]) -> None:
        deleted = await kind.document.get_pymongo_collection().delete_one(
            {"_id": oid, "profileId": profile.id}, session=session
        )
        if deleted.deleted_count == 0:
            raise _missing(kind, record_id)

    _, version = await _change_records(
        caller, profile_type, profile_id, if_match, remove, _added(kind, -1)
    )
    return ContentResult(None, version)


def _added(kind: RecordKind, count: int) -> tuple[int, int]:
    """`count` records of `kind` more, as (projects, training)."""
    return (count, 0) if kind.path == "projects" else (0, count)


def _of_kind(kind: RecordKind, counts: tuple[int, int]) -> int:
    return counts[0] if kind.path == "projects" else counts[1]


def _missing(kind: RecordKind, record_id: str) -> NotFound:
    return NotFound(f"this profile has no {kind.noun} with id {record_id!r}")


async def _change_records(
    caller: Caller,
    profile_type: ProfileType,
    profile_id: str,
    if_match: int | None,
    change: Callable[[ProfileDocument, Session, tuple[int, int]], Awaitable[T]],
    added: tuple[int, int] = (0, 0),
) -> tuple[T, int]:
    """Run `change` on the profile's records (given the record counts before it) and store
    the profile's new derived fields and record counts (moved by `added`), in one
    transaction (`service.profiles.updates`); returns what `change` returned and the
    profile's new version."""
    kind = kind_of(profile_type)

    async def attempt(profile: ProfileDocument) -> tuple[T, int]:
        async def work(session: Session) -> tuple[T, int]:
            if profile.id is None:
                raise RuntimeError("a loaded profile has an id")
            # before the change: counted now (older rules), the records would include it
            before = await record_counts(profile, session)
            outcome = await change(profile, session, before)
            counts = (before[0] + added[0], before[1] + added[1])
            derived = derived_fields(kind, search_inputs(profile), profile.id, counts)
            updated = await write_profile_changes(kind, profile, derived, session)
            if updated is None:  # aborts the transaction: the record change is undone
                raise ProfileMoved
            return outcome, updated.version

        return await run_in_transaction(work)

    return await update_with_retries(caller, kind, profile_id, if_match, attempt)

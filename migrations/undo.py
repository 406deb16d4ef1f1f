"""What a forward script overwrote, kept so that its `down` puts back exactly that.

A forward script may overwrite only a few fields that a half-applied earlier attempt can
have left behind (`shared/LEGACY.md`): a user's `activeProfileType`, `activeDancerId` and
`activeChoreographerId`, and a record's `profileId` that names nothing of its user's.
Before such a write changes a field that is present (`null` included), the value it held
is planned on the batch (`remember`) and committed with the write, in the same
transaction, to `migration_undo`: one document per script, collection, document and
field. A field that was absent has no undo document: `down` removes what its script set.

`down` puts a field back only while it still holds what the script set (`restore`): a
value the service wrote since is left alone. Values are written as literals, in pipeline
updates, so a key with a dot or a leading `$` is restored as it was.
"""

from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DeleteOne, IndexModel, UpdateOne

from migrations import collections as names
from migrations.literal import literal_set
from migrations.lookups import find_in
from migrations.values import canonical

Document = dict[str, Any]


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()
"""A field that is not there (as opposed to one holding null)."""
UNDO_KEY = ("script", "collection", "documentId", "field")
UNDO_INDEXES = [
    # looked up by document in a `down`
    IndexModel(
        [
            ("documentId", ASCENDING),
            ("field", ASCENDING),
            ("script", ASCENDING),
            ("collection", ASCENDING),
        ],
        name="document_field_script_unique",
        unique=True,
    ),
    IndexModel([("userId", ASCENDING)], name="userId"),  # erasure
]


def changes(document: Document, field: str, new: Any) -> bool:
    """Whether setting `field` of `document` to `new` (ABSENT: removing it) changes it."""
    if field not in document:
        return new is not ABSENT
    return new is ABSENT or canonical(document[field]) != canonical(new)


def undo_record(
    script: int, collection: str, document: Document, field: str, user_id: Any
) -> Document:
    """The undo document for a write about to change `field` of `document` (present)."""
    return {
        "script": script,
        "collection": collection,
        "documentId": document["_id"],
        "field": field,
        "userId": user_id if isinstance(user_id, ObjectId) else None,
        "value": document[field],
    }


def save_operation(record: Document, recorded_at: Any) -> UpdateOne:
    """The write that keeps an undo document (a re-run finding one keeps it)."""
    key = {name: record[name] for name in UNDO_KEY}
    rest = {k: v for k, v in record.items() if k not in UNDO_KEY}
    return UpdateOne(
        key,
        [{"$set": {"recordedAt": recorded_at}}, *literal_set(rest)],
        upsert=True,
    )


async def saved(
    db: Any, script: int, collection: str, ids: list[Any], session: Any = None
) -> dict[tuple[Any, str], Document]:
    """The undo documents of `script` for these documents, by (document id, field)."""
    found: dict[tuple[Any, str], Document] = {}
    async for record in find_in(db, names.UNDO, "documentId", ids, session=session):
        if record.get("script") == script and record.get("collection") == collection:
            found[(record["documentId"], record["field"])] = record
    return found


def restore(
    document_id: Any, field: str, was_set: Any, undo: Document | None
) -> list[UpdateOne | DeleteOne]:
    """Writes putting `field` back while it still holds `was_set` (ABSENT: while it is
    absent): its saved value, or no field when nothing was saved. The undo document goes
    with them."""
    holds = {field: {"$exists": False}} if was_set is ABSENT else {field: {"$eq": was_set}}
    condition = {"_id": document_id, **holds}
    writes: list[UpdateOne | DeleteOne] = []
    if undo is not None:
        writes.append(UpdateOne(condition, literal_set({field: undo["value"]})))
    elif was_set is not ABSENT:
        writes.append(UpdateOne(condition, {"$unset": {field: ""}}))
    return writes


def forget(undo: Document) -> DeleteOne:
    """Delete an undo document once its value is back."""
    return DeleteOne({"_id": undo["_id"]})

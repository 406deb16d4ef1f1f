"""The one write path every profile change takes.

Every write recomputes the derived fields (completeness, search tokens), sets
`updatedAt` and increments `version`, conditionally on the version it read, so a
concurrent writer is detected instead of overwritten.
"""

from typing import Any

from bson import ObjectId
from pydantic import ValidationError
from pymongo import ReturnDocument

from documents.clock import utc_now
from documents.derived.rules import RULES_DIGEST, derived_values
from documents.legacy.fields import PROFILE_FIELDS
from documents.literal import literal
from documents.profile_base import SERVER_FIELDS, ProfileDocument
from documents.profile_sections import ITEM_SECTIONS
from service.platform.db import MongoDocument, Session
from service.platform.errors import InvalidInput, PreconditionFailed
from service.platform.merge_patch import apply_merge_patch
from service.profiles.kinds import ProfileKind
from service.profiles.reads import as_profile, sub_record_counts
from service.rollout.dual_write import mirror_to_legacy

LEGACY_FIELDS = {kind: frozenset(fields) for kind, fields in PROFILE_FIELDS.items()}


def normalise_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Headshot positions renumbered 0..n-1 in the order (position, place in the list),
    the list itself keeping its order; an `id` for every section item without one."""
    for name in ITEM_SECTIONS:
        items = fields.get(name)
        if isinstance(items, list) and any(
            isinstance(item, dict) and not item.get("id") for item in items
        ):
            fields = {
                **fields,
                name: [
                    {**item, "id": str(ObjectId())}
                    if isinstance(item, dict) and not item.get("id")
                    else item
                    for item in items
                ],
            }
    headshots = fields.get("headshots")
    if isinstance(headshots, list) and all(isinstance(h, dict) for h in headshots):
        order = sorted(
            range(len(headshots)),
            key=lambda index: (_position(headshots[index].get("position")), index),
        )
        renumbered = [dict(headshot) for headshot in headshots]
        for position, index in enumerate(order):
            renumbered[index]["position"] = position
        fields = {**fields, "headshots": renumbered}
    return fields


def _position(value: Any) -> float:
    return float(value) if isinstance(value, int | float) else float("inf")


def server_search_inputs(profile: ProfileDocument) -> dict[str, Any]:
    """Server-owned fields that search filters on (a choreographer's `verified`)."""
    verified = getattr(profile, "verified", None)
    return {} if verified is None else {"verified": verified}


def search_inputs(profile: ProfileDocument) -> dict[str, Any]:
    """What the derived fields are computed from: the owner's fields and
    `server_search_inputs`."""
    return {**editable_fields(profile), **server_search_inputs(profile)}


def editable_fields(profile: ProfileDocument) -> dict[str, Any]:
    """The owner-editable fields of a profile, as plain Python values."""
    fields: dict[str, Any] = profile.model_dump(mode="python", exclude=set(SERVER_FIELDS))
    return fields


async def record_counts(
    profile: ProfileDocument, session: Session | None = None
) -> tuple[int, int]:
    """How many project and training records `profile` has: the counts it keeps when it
    was derived with this release's rules, else counted now."""
    if (
        profile.derivedWith == RULES_DIGEST
        and profile.projectCount is not None
        and profile.trainingCount is not None
    ):
        return profile.projectCount, profile.trainingCount
    if profile.id is None:
        return 0, 0
    return await sub_record_counts(profile.id, session)


def derived_fields(
    kind: ProfileKind, fields: dict[str, Any], profile_id: ObjectId, counts: tuple[int, int]
) -> dict[str, Any]:
    """`completeness`, `searchTokens`, `rankKey`, the record counts and `derivedWith` of
    the profile `profile_id` with these fields (`verified` among them for a
    choreographer) and these (projects, training) record counts."""
    return derived_values(
        kind.name, fields, profile_id, project_count=counts[0], training_count=counts[1]
    )


def validated_document(kind: ProfileKind, raw: dict[str, Any]) -> ProfileDocument:
    """`raw` as a document of `kind`, or `InvalidInput` naming the fields at fault."""
    try:
        return as_profile(kind, raw)
    except ValidationError as error:
        errors = [
            {"field": ".".join(str(part) for part in item["loc"]), "message": item["msg"]}
            for item in error.errors()
        ]
        raise InvalidInput("the profile would not be valid", extra={"errors": errors}) from error


async def new_profile_document(
    kind: ProfileKind,
    user_id: ObjectId,
    fields: dict[str, Any],
    *,
    is_active: bool,
    is_primary: bool,
) -> MongoDocument:
    """A new profile document of `kind`, ready to insert, derived fields included."""
    check_patch_fields(kind, fields)
    now = utc_now()
    document = validated_document(
        kind,
        {
            **normalise_fields(apply_merge_patch({}, fields)),
            "_id": ObjectId(),
            "userId": user_id,
            "isActive": is_active,
            "isPrimary": is_primary,
            "createdAt": now,
            "updatedAt": now,
            "version": 1,
        },
    )
    raw: MongoDocument = document.model_dump(mode="python", by_alias=True, exclude={"revision_id"})
    raw.update(derived_fields(kind, search_inputs(document), raw["_id"], (0, 0)))
    return raw


def check_patch_fields(kind: ProfileKind, patch: dict[str, Any]) -> None:
    """`InvalidInput` for keys that are server-owned or not fields of this kind."""
    errors = []
    for key in patch:
        if key in SERVER_FIELDS:
            errors.append({"field": key, "message": f"`{key}` is set by the server"})
        elif key not in kind.document.model_fields:
            errors.append({"field": key, "message": f"`{key}` is not a field of a {kind.name}"})
    if errors:
        raise InvalidInput(
            f"these fields cannot be written on a {kind.name} profile: "
            + ", ".join(error["field"] for error in errors),
            extra={"errors": errors},
        )


async def apply_profile_patch(
    kind: ProfileKind,
    profile: ProfileDocument,
    patch: dict[str, Any],
    session: Session | None = None,
) -> ProfileDocument | None:
    """Apply a JSON merge patch of owner fields to `profile`, as one conditional write.

    Returns the updated profile, or None when the profile's version changed since it was
    read (the caller decides between retrying and 412).
    """
    check_patch_fields(kind, patch)
    merged = apply_merge_patch(editable_fields(profile), patch)
    return await _write_fields(kind, profile, merged, set(patch), session)


async def replace_profile_fields(
    kind: ProfileKind,
    profile: ProfileDocument,
    values: dict[str, Any],
    session: Session,
    *,
    mirror: bool = True,
) -> ProfileDocument | None:
    """Set these owner fields to `values` whole and as given (raw BSON: an Int64 stays an
    Int64 and no default is filled in; `InvalidInput` unless the profile model loads
    them), with derived fields recomputed, as one conditional write through
    `write_profile_changes` (dual write included unless `mirror` is False: the values
    came from the legacy fields): None when the profile's version changed since it was
    read."""
    if profile.id is None:
        raise RuntimeError("only a stored profile can be changed")
    merged = {**editable_fields(profile), **values}
    candidate = validated_document(kind, {**merged, "_id": profile.id, "userId": profile.userId})
    changes = dict(values)
    changes.update(
        derived_fields(
            kind,
            {**editable_fields(candidate), **server_search_inputs(profile)},
            profile.id,
            await record_counts(profile, session),
        )
    )
    return await write_profile_changes(kind, profile, changes, session, mirror=mirror)


async def _write_fields(
    kind: ProfileKind,
    profile: ProfileDocument,
    merged: dict[str, Any],
    changed: set[str],
    session: Session | None,
) -> ProfileDocument | None:
    if profile.id is None:
        raise RuntimeError("only a stored profile can be changed")
    candidate = validated_document(
        kind, {**normalise_fields(merged), "_id": profile.id, "userId": profile.userId}
    )
    candidate_fields = editable_fields(candidate)
    changes = {key: candidate_fields.get(key) for key in changed}
    changes.update(
        derived_fields(
            kind,
            {**candidate_fields, **server_search_inputs(profile)},
            profile.id,
            await record_counts(profile, session),
        )
    )
    return await write_profile_changes(kind, profile, changes, session)


def mirrors(kind: ProfileKind, changes: dict[str, Any]) -> bool:
    """Whether a write of these fields of a primary profile is mirrored onto its user's
    legacy fields while dual write is on."""
    return bool(LEGACY_FIELDS[kind.name] & set(changes))


async def write_profile_changes(
    kind: ProfileKind,
    profile: ProfileDocument,
    changes: dict[str, Any],
    session: Session | None = None,
    *,
    mirror: bool = True,
) -> ProfileDocument | None:
    """`$set` these fields, bump `version` and `updatedAt`, if the version is unchanged.

    When legacy profile fields change on the user's primary profile and dual write is on,
    the user's legacy fields are written from the stored result in the same transaction
    (`session` is then required: a `RuntimeError` without one).
    """
    mirrored = mirror and mirrors(kind, changes)
    if mirrored and session is None:
        raise RuntimeError("a write of legacy profile fields needs a transaction (dual write)")
    raw = await kind.document.get_pymongo_collection().find_one_and_update(
        {"_id": profile.id, "version": profile.version},
        # a pipeline: values as literals (a migrated value may hold a key with a `$`)
        [
            {
                "$set": {
                    **literal(changes),
                    "updatedAt": utc_now(),
                    "version": {"$add": ["$version", 1]},
                }
            }
        ],
        return_document=ReturnDocument.AFTER,
        session=session,
    )
    if raw is None:
        return None
    if mirrored and session is not None:
        await mirror_to_legacy(kind.name, raw, session)
    return as_profile(kind, raw)


def check_if_match(profile: ProfileDocument, if_match: int | None) -> None:
    """`PreconditionFailed` unless `if_match` is absent or the profile's version."""
    if if_match is not None and if_match != profile.version:
        raise PreconditionFailed(
            f"the profile is at version {profile.version}, not {if_match}:"
            " it changed since you read it; read it again and reapply your change"
        )

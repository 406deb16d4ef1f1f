"""Profile templates: named starter sets of profile fields that admins define.

One document per template in `profile_templates`: `_id` = `"{profileType}:{name}"`,
`name`, `profileType`, `fields` (a profile patch of that type, validated as a profile
creation is), `updatedAt`, `updatedBy`. Onboarding and adding a profile may name one
(`template`); its fields are applied first, under everything the body gives.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo.asynchronous.collection import AsyncCollection

from documents import User
from documents.clock import utc_now
from documents.collections import PROFILE_TEMPLATES
from documents.vocabulary import ProfileType
from service.platform.caller import Caller
from service.platform.db import MongoDocument
from service.platform.errors import Forbidden, InvalidInput, NotFound
from service.platform.merge_patch import apply_merge_patch
from service.profiles.kinds import KINDS, ProfileKind
from service.profiles.writes import check_patch_fields, normalise_fields, validated_document

NAME_PATTERN = r"^[A-Za-z0-9_-]{1,60}$"
_NAME = re.compile(NAME_PATTERN)


@dataclass(frozen=True)
class ProfileTemplate:
    """A stored template."""

    name: str
    profileType: ProfileType
    fields: dict[str, Any]
    updatedAt: datetime | None
    updatedBy: str | None

    def view(self) -> dict[str, Any]:
        """The JSON-ready representation (the stored field names)."""
        return {
            "name": self.name,
            "profileType": self.profileType,
            "fields": self.fields,
            "updatedAt": self.updatedAt,
            "updatedBy": self.updatedBy,
        }


def _collection() -> AsyncCollection[MongoDocument]:
    collection: AsyncCollection[MongoDocument] = User.get_pymongo_collection().database[
        PROFILE_TEMPLATES
    ]
    return collection


def _template_id(kind: ProfileKind, name: str) -> str:
    return f"{kind.name}:{name}"


def _from_document(raw: MongoDocument) -> ProfileTemplate:
    return ProfileTemplate(
        name=raw["name"],
        profileType=raw["profileType"],
        fields=raw.get("fields") or {},
        updatedAt=raw.get("updatedAt"),
        updatedBy=raw.get("updatedBy"),
    )


def _require_admin(caller: Caller) -> None:
    if not caller.is_admin:
        raise Forbidden("only admins may manage profile templates")


def _kind_named(profile_type: str) -> ProfileKind | None:
    return next((kind for kind in KINDS.values() if kind.name == profile_type), None)


def check_template_name(name: str) -> None:
    """`InvalidInput` unless `name` is 1-60 letters, digits, `-` or `_`."""
    if not _NAME.match(name):
        raise InvalidInput(
            f"a template name is 1-60 letters, digits, `-` or `_`, not {name!r}",
            extra={"errors": [{"field": "name", "message": "must match " + NAME_PATTERN}]},
        )


def check_template_fields(kind: ProfileKind, fields: dict[str, Any]) -> None:
    """`InvalidInput` unless `fields` would make a valid new profile of `kind`: no
    server-owned or unknown fields, and a document the model accepts."""
    check_patch_fields(kind, fields)
    validated_document(
        kind, {**normalise_fields(apply_merge_patch({}, fields)), "userId": ObjectId()}
    )


async def list_templates(caller: Caller) -> list[ProfileTemplate]:
    """Every template, by profile type then name (admins only, else `Forbidden`)."""
    _require_admin(caller)
    cursor = _collection().find({}).sort("_id", 1)
    return [_from_document(raw) async for raw in cursor]


async def put_template(
    caller: Caller, profile_type: str, name: str, fields: dict[str, Any]
) -> tuple[ProfileTemplate, bool]:
    """Create or replace the template `name` of `profile_type` (admins only) and return
    it as stored, with True when it was created. `fields` must be a valid profile patch of
    that type (`InvalidInput` otherwise, nothing stored)."""
    _require_admin(caller)
    kind = _kind_named(profile_type)
    if kind is None:
        raise InvalidInput(
            f"templates are for `dancer` or `choreographer` profiles, not {profile_type!r}",
            extra={"errors": [{"field": "profileType", "message": "unknown profile type"}]},
        )
    check_template_name(name)
    check_template_fields(kind, fields)
    document = {
        "name": name,
        "profileType": kind.name,
        "fields": fields,
        "updatedAt": utc_now(),
        "updatedBy": caller.auth_id,
    }
    result = await _collection().replace_one(
        {"_id": _template_id(kind, name)}, document, upsert=True
    )
    return _from_document(document), result.upserted_id is not None


async def delete_template(caller: Caller, profile_type: str, name: str) -> None:
    """Remove the template (admins only); `NotFound` when there is none by that name."""
    _require_admin(caller)
    kind = _kind_named(profile_type)
    deleted = 0
    if kind is not None:
        deleted = (await _collection().delete_one({"_id": _template_id(kind, name)})).deleted_count
    if not deleted:
        raise NotFound(f"there is no {profile_type} template named {name!r}")


async def template_fields(kind: ProfileKind, name: str | None) -> dict[str, Any]:
    """The fields of the template `name` of `kind` (empty for no name), or `InvalidInput`
    naming the template when there is none."""
    if name is None:
        return {}
    raw = await _collection().find_one({"_id": _template_id(kind, name)})
    if raw is None:
        raise InvalidInput(
            f"there is no {kind.name} template named {name!r}",
            extra={"errors": [{"field": "template", "message": f"unknown template {name!r}"}]},
        )
    fields: dict[str, Any] = raw.get("fields") or {}
    return fields

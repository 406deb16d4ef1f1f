"""Sections of a profile changed one item at a time: the phase-6 lists (availability,
style specialisations, videos, auditions, workshops, rate cards, portfolio).

Every change goes through the single write path (`apply_profile_patch`: validation,
derived fields, version check, dual write) as a patch of the whole section, computed
from the profile as read; a concurrent write makes it start again from the fresh
profile, and an `If-Match` that is no longer current is a 412. The profile's `version`
is the ETag of all its sections.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from bson import ObjectId

from documents.profile_base import ProfileDocument
from documents.vocabulary import ProfileType
from service.platform.caller import Caller
from service.platform.errors import InvalidInput, NotFound
from service.platform.merge_patch import apply_merge_patch
from service.profiles.access import sees_full_view
from service.profiles.kinds import kind_of
from service.profiles.reads import load_profile
from service.profiles.results import ContentResult, ProfileResult
from service.profiles.updates import patch_in_transaction, update_with_retries
from service.profiles.visibility import profile_view

T = TypeVar("T")


@dataclass(frozen=True)
class Section:
    """A list of items on a profile, addressed by item `id`."""

    path: str
    field: str
    kinds: tuple[ProfileType, ...]
    max_items: int
    sort_key: str | None = None
    """Items are kept ordered by this key (then by when they were added)."""
    required: tuple[str, ...] = ()
    """Fields an item must keep (a patch cannot clear them)."""
    date_range: tuple[str, str] | None = None
    """Start and end fields (ISO dates, both included): the end may not come first."""
    max_days: int | None = None
    """The longest range, in days, both ends counted."""

    def check(self, item: dict[str, Any]) -> None:
        """`InvalidInput` for an item this section cannot hold."""
        errors = [
            {"field": name, "message": "is required"}
            for name in self.required
            if item.get(name) in (None, "")
        ]
        if self.date_range is not None and not errors:
            first, last = self.date_range
            start, end = date.fromisoformat(item[first]), date.fromisoformat(item[last])
            if end < start:
                errors.append({"field": last, "message": f"comes before `{first}`"})
            elif self.max_days is not None and (end - start).days + 1 > self.max_days:
                errors.append(
                    {"field": last, "message": f"a range spans at most {self.max_days} days"}
                )
        if errors:
            raise InvalidInput(
                f"this {self.path} item is not valid: " + ", ".join(e["field"] for e in errors),
                extra={"errors": errors},
            )


SECTIONS: dict[str, Section] = {
    section.path: section
    for section in (
        Section(
            "availability",
            "availability",
            ("dancer",),
            100,
            "start",
            ("start", "end", "status"),
            ("start", "end"),
            366,
        ),
        Section("specialisations", "specialisations", ("dancer",), 30, None, ("style",)),
        Section("videos", "videos", ("dancer",), 30, None, ("url",)),
        Section("auditions", "auditions", ("dancer",), 200, "date", ("production",)),
        Section(
            "workshops",
            "workshops",
            ("choreographer",),
            100,
            "startDate",
            ("title", "startDate", "endDate"),
            ("startDate", "endDate"),
            366,
        ),
        Section(
            "rate-cards", "rateCards", ("choreographer",), 30, None, ("service", "unit", "amount")
        ),
        Section("portfolio", "portfolio", ("choreographer",), 100, None, ("title",)),
    )
}


def _items(profile: ProfileDocument, section: Section) -> list[dict[str, Any]]:
    items = profile.model_dump(mode="python").get(section.field) or []
    return [item for item in items if isinstance(item, dict)]


def _ordered(section: Section, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if section.sort_key is None:
        return items
    key = section.sort_key
    return sorted(items, key=lambda item: (item.get(key) is None, str(item.get(key) or "")))


def _find(items: list[dict[str, Any]], item_id: str, section: Section) -> int:
    for index, item in enumerate(items):
        if item.get("id") == item_id:
            return index
    raise NotFound(f"this profile has no {section.path} item {item_id!r}")


async def change_profile(
    caller: Caller,
    profile_type: ProfileType,
    profile_id: str,
    if_match: int | None,
    compute: Callable[[ProfileDocument], tuple[dict[str, Any], T]],
) -> tuple[ProfileDocument, T]:
    """Apply the patch `compute` derives from the current profile, as one conditional
    write by the owner or an admin (`service.profiles.updates`). Returns the profile as
    stored and what `compute` returned."""
    kind = kind_of(profile_type)

    async def attempt(profile: ProfileDocument) -> tuple[ProfileDocument, T]:
        patch, outcome = compute(profile)
        return await patch_in_transaction(kind, profile, patch), outcome

    return await update_with_retries(caller, kind, profile_id, if_match, attempt)


def section_of(profile_type: ProfileType, path: str) -> Section:
    """The section at `path` of a profile of this type, or `NotFound`."""
    section = SECTIONS.get(path)
    if section is None or profile_type not in section.kinds:
        raise NotFound(f"a {profile_type} profile has no section {path!r}")
    return section


async def list_items(
    caller: Caller, profile_type: ProfileType, profile_id: str, path: str
) -> ContentResult:
    """The items of a section, in its order (anyone with a token may read them)."""
    section = section_of(profile_type, path)
    profile = await load_profile(kind_of(profile_type), profile_id)
    full = await sees_full_view(caller, profile)
    view = profile_view(profile, full=full)
    return ContentResult(view.get(section.field) or [], profile.version, public=not full)


async def add_item(
    caller: Caller,
    profile_type: ProfileType,
    profile_id: str,
    path: str,
    item: dict[str, Any],
    if_match: int | None,
) -> ContentResult:
    """Add an item (it gets a new `id`); at most `max_items` per section."""
    section = section_of(profile_type, path)
    new_id = str(ObjectId())

    def compute(profile: ProfileDocument) -> tuple[dict[str, Any], None]:
        items = _items(profile, section)
        if len(items) >= section.max_items:
            raise InvalidInput(
                f"a profile holds at most {section.max_items} {section.path} items;"
                " remove one first",
                extra={"errors": [{"field": section.field, "message": "too many items"}]},
            )
        section.check(item)
        return {section.field: _ordered(section, [*items, {**item, "id": new_id}])}, None

    updated, _ = await change_profile(caller, profile_type, profile_id, if_match, compute)
    return ContentResult(_item_view(updated, section, new_id), updated.version)


async def update_item(
    caller: Caller,
    profile_type: ProfileType,
    profile_id: str,
    path: str,
    item_id: str,
    patch: dict[str, Any],
    if_match: int | None,
) -> ContentResult:
    """Apply a JSON merge patch to one item."""
    section = section_of(profile_type, path)

    def compute(profile: ProfileDocument) -> tuple[dict[str, Any], None]:
        items = _items(profile, section)
        index = _find(items, item_id, section)
        changed = apply_merge_patch(items[index], patch)
        changed["id"] = item_id
        section.check(changed)
        items[index] = changed
        return {section.field: _ordered(section, items)}, None

    updated, _ = await change_profile(caller, profile_type, profile_id, if_match, compute)
    return ContentResult(_item_view(updated, section, item_id), updated.version)


async def delete_item(
    caller: Caller,
    profile_type: ProfileType,
    profile_id: str,
    path: str,
    item_id: str,
    if_match: int | None,
) -> ContentResult:
    """Remove one item."""
    section = section_of(profile_type, path)

    def compute(profile: ProfileDocument) -> tuple[dict[str, Any], None]:
        items = _items(profile, section)
        del items[_find(items, item_id, section)]
        return {section.field: items}, None

    updated, _ = await change_profile(caller, profile_type, profile_id, if_match, compute)
    return ContentResult(None, updated.version)


def _item_view(profile: ProfileDocument, section: Section, item_id: str) -> dict[str, Any]:
    view = profile_view(profile, full=True)
    for item in view.get(section.field) or []:
        if item.get("id") == item_id:
            found: dict[str, Any] = item
            return found
    raise NotFound(f"this profile has no {section.path} item {item_id!r}")


def profile_result(profile: ProfileDocument) -> ProfileResult:
    """The full view of a profile the caller may write."""
    return ProfileResult(profile_view(profile, full=True), profile.version)

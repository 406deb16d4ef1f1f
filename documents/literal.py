"""Values written exactly as given, whatever keys they hold.

MongoDB refuses a `$set` whose value holds a key with a leading `$`, and migrated legacy
values can hold one (`shared/LEGACY.md`). In a pipeline update each value is a
`$literal`: no key inside it is read as an operator or a path."""

from typing import Any


def literal(fields: dict[str, Any]) -> dict[str, Any]:
    """The `$set` stage's fields for `fields` (plain top-level names) taken as they are."""
    return {name: {"$literal": value} for name, value in fields.items()}

"""Updates that write values exactly as given, whatever their keys.

MongoDB refuses a `$set` whose value holds a key with a leading `$` (and reads a dotted
name as a path), while legacy data holds both. A pipeline update takes each value as a
`$literal`, and names that are not plain through `$setField`, so such keys are written
and restored as they were (`shared/LEGACY.md`)."""

from typing import Any

Document = dict[str, Any]


def _plain(name: str) -> bool:
    return bool(name) and "." not in name and not name.startswith("$")


def literal_set(fields: Document) -> list[Document]:
    """A pipeline update setting each top-level field to its value exactly."""
    plain = {name: {"$literal": value} for name, value in fields.items() if _plain(name)}
    stages: list[Document] = [{"$set": plain}] if plain else []
    for name, value in fields.items():
        if not _plain(name):
            stages.append(
                {
                    "$replaceWith": {
                        "$setField": {
                            "field": name,
                            "input": "$$ROOT",
                            "value": {"$literal": value},
                        }
                    }
                }
            )
    return stages

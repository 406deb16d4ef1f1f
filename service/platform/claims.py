"""Dotted paths to a token's claims (`PROFILES_JWT_ROLES_CLAIM`).

A path names a claim and, through the objects it holds, a claim inside it:
`realm_access.roles` is the `roles` member of the `realm_access` claim (Keycloak). A dot
that belongs to a name is written `\\.`: `https://example\\.com/roles` is the one claim
named `https://example.com/roles` (a namespaced claim, as Auth0 requires), and
`https://example\\.com/app.roles` the `roles` member of the claim
`https://example.com/app`. There is no other escape and no other special character.
"""

import re
from typing import Any

_SEPARATOR = re.compile(r"(?<!\\)\.")
"""A dot not preceded by a backslash."""


def claim_path(dotted: str) -> tuple[str, ...]:
    """The names along `dotted`, escaped dots made plain; `ValueError` for a path with an
    empty name (`""`, `a..b`, a leading or trailing dot)."""
    names = tuple(name.replace("\\.", ".") for name in _SEPARATOR.split(dotted))
    if not all(names):
        raise ValueError(
            f"{dotted!r} is no claim path: names separated by dots, a dot inside a name"
            " written as \\."
        )
    return names


def claim_at(claims: dict[str, Any], path: tuple[str, ...]) -> Any:
    """The value at `path` in `claims`, or None where a name along it is missing or the
    value before it is no object."""
    value: Any = claims
    for name in path:
        if not isinstance(value, dict):
            return None
        value = value.get(name)
    return value


def with_claim(claims: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    """`claims` with `value` at `path` (objects made along it as needed)."""
    *parents, last = path
    target = claims
    for name in parents:
        target = target.setdefault(name, {})
    target[last] = value
    return claims

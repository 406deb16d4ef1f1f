"""What the service's use cases return to the API."""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ProfileResult:
    """A profile as the caller may see it, with its version (the ETag)."""

    view: dict[str, Any]
    version: int
    created: bool = False
    public: bool = False
    """The public view (the caller is not the owner or an admin): its ETag differs."""


@dataclass(frozen=True)
class AccountResult:
    """The caller's account with its active profile, and that profile's version."""

    view: dict[str, Any]
    version: int | None


@dataclass(frozen=True)
class ContentResult:
    """Content of a profile (an item, a list of them, a part, a record) or nothing, and
    the profile's version after the call (the ETag of all its content)."""

    value: Any
    version: int
    public: bool = False
    """Read through the public view: its ETag differs from the full view's."""

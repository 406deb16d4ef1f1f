"""Who is calling: built by the API from a verified token."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Caller:
    """An authenticated caller: `auth_id` is the token's `sub`."""

    auth_id: str
    roles: frozenset[str] = field(default_factory=frozenset)
    email: str | None = None
    name: str | None = None

    @property
    def is_admin(self) -> bool:
        """True when the token carries the `admin` role."""
        return "admin" in self.roles

"""Issuing bearer tokens (HS256) for the `profiles token` command."""

from datetime import UTC, datetime, timedelta

import jwt

ALGORITHM = "HS256"


def issue_token(secret: str, subject: str, roles: list[str], ttl_seconds: int) -> str:
    """A signed token for `subject` (the `sub` claim) with `roles`, valid `ttl_seconds`."""
    now = datetime.now(UTC)
    claims = {
        "sub": subject,
        "roles": roles,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(seconds=ttl_seconds)).timestamp()),
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)

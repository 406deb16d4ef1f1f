"""Issuing bearer tokens (HS256) for the `profiles token` command."""

from datetime import timedelta
from typing import Any

import jwt

from documents.clock import utc_now

ALGORITHM = "HS256"


def issue_token(
    secret: str,
    subject: str,
    roles: list[str],
    ttl_seconds: int,
    *,
    issuer: str | None = None,
    audience: str | None = None,
) -> str:
    """A signed token for `subject` (the `sub` claim) with `roles`, valid `ttl_seconds`;
    with `iss` and `aud` when `issuer` / `audience` are given."""
    now = utc_now()
    claims: dict[str, Any] = {
        "sub": subject,
        "roles": roles,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(seconds=ttl_seconds)).timestamp()),
    }
    if issuer:
        claims["iss"] = issuer
    if audience:
        claims["aud"] = audience
    return jwt.encode(claims, secret, algorithm=ALGORITHM)

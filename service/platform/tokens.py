"""Issuing bearer tokens (HS256) for the `profiles token` command: only without a JWKS
URL, where the service verifies tokens with its own secret."""

from datetime import timedelta
from typing import Any

import jwt

from documents.clock import utc_now
from service.platform.claims import with_claim

ALGORITHM = "HS256"


def issue_token(
    secret: str,
    subject: str,
    roles: list[str],
    ttl_seconds: int,
    *,
    issuer: str | None = None,
    audience: str | None = None,
    roles_claim: tuple[str, ...] = ("roles",),
) -> str:
    """A signed token for `subject` (the `sub` claim) with `roles` at the path
    `roles_claim`, valid `ttl_seconds`; with `iss` and `aud` when `issuer` / `audience`
    are given."""
    now = utc_now()
    claims: dict[str, Any] = {
        "sub": subject,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(seconds=ttl_seconds)).timestamp()),
    }
    with_claim(claims, roles_claim, roles)
    if issuer:
        claims["iss"] = issuer
    if audience:
        claims["aud"] = audience
    return jwt.encode(claims, secret, algorithm=ALGORITHM)

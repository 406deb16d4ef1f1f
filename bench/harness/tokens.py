"""HS256 bearer tokens signed with a shared secret, as the identity provider of the
embedded default signs them: `sub` (the caller's authId), `roles`, `iat`, `exp`."""

import time

import jwt

ALGORITHM = "HS256"


def issue_token(secret: str, subject: str, roles: list[str], ttl_seconds: int) -> str:
    """A token for `subject` with `roles`, valid for `ttl_seconds` from now."""
    now = int(time.time())
    claims = {"sub": subject, "roles": roles, "iat": now, "exp": now + ttl_seconds}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def bearer(secret: str, subject: str, roles: list[str] | None = None) -> dict[str, str]:
    """An `Authorization` header for `subject`, valid two hours."""
    return {"Authorization": f"Bearer {issue_token(secret, subject, roles or [], 7200)}"}


def verified_subject(token: str, secret: str) -> str | None:
    """The `sub` of `token` if it is signed with `secret` (HS256 only), unexpired and
    names one; None otherwise."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]}
        )
    except jwt.PyJWTError:
        return None
    subject = claims.get("sub")
    return subject if isinstance(subject, str) else None

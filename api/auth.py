"""Bearer-token authentication (Litestar's JWT auth, HS256)."""

from typing import Any

from litestar.connection import ASGIConnection
from litestar.security.jwt import JWTAuth, Token

from service.caller import Caller
from service.tokens import ALGORITHM


def caller_from_token(token: Token, _: ASGIConnection[Any, Any, Any, Any]) -> Caller:
    """The caller a verified token names: `sub`, `roles`, and optional profile claims."""
    roles = token.extras.get("roles") or []
    if isinstance(roles, str):
        roles = [roles]
    email = token.extras.get("email")
    name = token.extras.get("name")
    return Caller(
        auth_id=token.sub,
        roles=frozenset(str(role) for role in roles if isinstance(role, str)),
        email=email if isinstance(email, str) else None,
        name=name if isinstance(name, str) else None,
    )


def jwt_auth(secret: str) -> JWTAuth[Caller, Token]:
    """Every route needs a valid token except health checks and the OpenAPI schema."""
    return JWTAuth[Caller, Token](
        token_secret=secret,
        algorithm=ALGORITHM,
        retrieve_user_handler=caller_from_token,
        exclude=["^/health", "^/schema"],
        require_claims=["exp", "sub"],
        description="HS256 bearer token; `sub` is the caller's authId, `roles: [admin]` for admins",
    )

"""Bearer-token authentication (Litestar's JWT auth, HS256).

Tokens are verified with the current secret and, during a change-over, the previous one
(`PROFILES_JWT_PREVIOUS_SECRET`); `exp`, `nbf` and `iat` tolerate a small clock leeway;
`iss` and `aud` are required and checked when configured. Only HS256 is accepted, so a
token with `alg: none` (or any other algorithm) is refused.
"""

import time
from typing import Any, ClassVar, cast

import jwt
from litestar.connection import ASGIConnection
from litestar.exceptions import ImproperlyConfiguredException
from litestar.handlers.base import BaseRouteHandler
from litestar.security.jwt import JWTAuth, Token
from litestar.security.jwt.token import JWTDecodeOptions

from service.platform.caller import Caller
from service.platform.config import Settings
from service.platform.errors import Forbidden
from service.platform.tokens import ALGORITHM


class VerifiedToken(Token):
    """Litestar's `Token`, decoded with a clock leeway and any of the accepted secrets.

    Subclasses made by `token_class` carry the configuration (Litestar calls `decode`
    as a class method with the current secret only).
    """

    previous_secrets: ClassVar[tuple[str, ...]] = ()
    leeway_seconds: ClassVar[float] = 0.0
    max_lifetime_seconds: ClassVar[float] = float("inf")

    def __post_init__(self) -> None:
        # PyJWT has already checked `exp`, `nbf` and `iat` with the leeway; the base
        # class would check them again without it.
        if not self.sub:
            raise ImproperlyConfiguredException("sub must be a non-empty string")

    @classmethod
    def decode_payload(
        cls,
        encoded_token: str,
        secret: str,
        algorithms: list[str],
        issuer: Any = None,
        audience: Any = None,
        options: JWTDecodeOptions | None = None,
    ) -> Any:
        """The verified claims of `encoded_token`: signed with `secret` or a previous
        secret, within the leeway; PyJWT's errors otherwise (Litestar answers 401)."""
        claims = cls._verified(encoded_token, secret, algorithms, issuer, audience, options)
        check_claims(claims, cls.max_lifetime_seconds, cls.leeway_seconds)
        return claims

    @classmethod
    def _verified(
        cls,
        encoded_token: str,
        secret: str,
        algorithms: list[str],
        issuer: Any,
        audience: Any,
        options: JWTDecodeOptions | None,
    ) -> Any:
        keys = (secret, *cls.previous_secrets)
        for index, key in enumerate(keys):
            try:
                return jwt.decode(
                    encoded_token,
                    key,
                    algorithms=algorithms,
                    issuer=issuer,
                    audience=audience,
                    options=cast(Any, options),
                    leeway=cls.leeway_seconds,
                )
            except jwt.InvalidSignatureError:
                if index == len(keys) - 1:
                    raise
        raise jwt.InvalidSignatureError("no secret to verify with")


def check_claims(claims: Any, max_lifetime_seconds: float, leeway_seconds: float) -> None:
    """Claims read as their types: `roles`, when present, a list of strings (`"admin"`
    or `{"admin": false}` is no list of roles); and a lifetime (`exp` after `iat`, or
    after now without `iat`) of at most `max_lifetime_seconds`. `InvalidTokenError`
    (401) otherwise."""
    roles = claims.get("roles")
    if roles is not None and (
        not isinstance(roles, list) or not all(isinstance(role, str) for role in roles)
    ):
        raise jwt.InvalidTokenError("roles must be a list of strings")
    issued = claims.get("iat")
    start = issued if isinstance(issued, int | float) and not isinstance(issued, bool) else None
    expires = claims.get("exp")
    if isinstance(expires, int | float) and not isinstance(expires, bool):
        since = time.time() if start is None else float(start)
        if expires - since > max_lifetime_seconds + leeway_seconds:
            raise jwt.InvalidTokenError("the token lives longer than this service accepts")


def token_class(
    previous_secret: str | None, leeway_seconds: float, max_lifetime_seconds: float
) -> type[VerifiedToken]:
    """A `VerifiedToken` class that also accepts `previous_secret`, with the leeway and
    the longest lifetime accepted."""
    attributes = {
        "previous_secrets": (previous_secret,) if previous_secret else (),
        "leeway_seconds": leeway_seconds,
        "max_lifetime_seconds": max_lifetime_seconds,
    }
    return cast(type[VerifiedToken], type("ConfiguredToken", (VerifiedToken,), attributes))


async def caller_from_token(token: Token, _: ASGIConnection[Any, Any, Any, Any]) -> Caller:
    """The caller a verified token names: `sub`, `roles`, and optional profile claims."""
    roles = token.extras.get("roles") or []  # a list of strings: `check_claims`
    email = token.extras.get("email")
    name = token.extras.get("name")
    return Caller(
        auth_id=token.sub,
        roles=frozenset(str(role) for role in roles if isinstance(role, str)),
        email=email if isinstance(email, str) else None,
        name=name if isinstance(name, str) else None,
    )


def jwt_auth(secret: str, settings: Settings) -> JWTAuth[Caller, VerifiedToken]:
    """Every route needs a valid token except health checks and the OpenAPI schema.

    From `settings`: the issuer and audience (required when set), the clock leeway and
    the previous secret of a change-over."""
    previous = settings.jwt_previous_secret
    claims = ["exp", "sub"]
    if settings.jwt_issuer:
        claims.append("iss")
    if settings.jwt_audience:
        claims.append("aud")
    return JWTAuth[Caller, VerifiedToken](
        token_secret=secret,
        algorithm=ALGORITHM,
        token_cls=token_class(
            previous.get_secret_value() if previous is not None else None,
            settings.jwt_leeway_seconds,
            settings.jwt_max_lifetime_seconds,
        ),
        retrieve_user_handler=caller_from_token,
        exclude=["^/health", "^/metrics", "^/schema"],
        require_claims=claims,
        accepted_issuers=[settings.jwt_issuer] if settings.jwt_issuer else None,
        accepted_audiences=[settings.jwt_audience] if settings.jwt_audience else None,
        description="HS256 bearer token; `sub` is the caller's authId, `roles: [admin]` for admins",
    )


def admins_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard of the admin routes: a caller without the `admin` role is refused (403)
    before the request body is read, so a non-admin learns nothing from validation."""
    caller = connection.scope.get("user")
    if not isinstance(caller, Caller) or not caller.is_admin:
        raise Forbidden("only admins may use the admin routes")

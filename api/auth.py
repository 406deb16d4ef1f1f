"""Bearer-token authentication (Litestar's JWT auth), of one of two kinds:

- without `PROFILES_JWT_JWKS_URL`: HS256 tokens, verified with the service's secret and,
  during a change-over, the previous one (`PROFILES_JWT_PREVIOUS_SECRET`);
- with it: the identity provider's RS256 / ES256 tokens, verified with its keys
  (`api.provider_tokens`); an HS256 token, whatever it is signed with, is refused.

Either way only the allowed algorithms are accepted (a token with `alg: none` is
refused); `exp`, `nbf` and `iat` tolerate a small clock leeway; `exp`, `iat` and `sub`
are required, `iss` and `aud` too and checked when configured; the roles are read at
the claim path `PROFILES_JWT_ROLES_CLAIM`. Every 401 says how to authenticate
(`WWW-Authenticate: Bearer`, with `error="invalid_token"` when a token was sent).
"""

import time
from typing import Any, ClassVar, cast

import jwt
from litestar.connection import ASGIConnection
from litestar.exceptions import ImproperlyConfiguredException, NotAuthorizedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware.authentication import AuthenticationResult
from litestar.security.jwt import JWTAuth, JWTAuthenticationMiddleware, Token
from litestar.security.jwt.token import JWTDecodeOptions

from api.provider_tokens import provider_key
from service.platform.caller import Caller
from service.platform.claims import claim_at
from service.platform.config import Settings
from service.platform.errors import Forbidden
from service.platform.jwks import ProviderKeys
from service.platform.tokens import ALGORITHM

INVALID_TOKEN_CHALLENGE = 'Bearer error="invalid_token"'  # noqa: S105 (a header, not a secret)
"""`WWW-Authenticate` of a 401 for a token that was sent (RFC 6750); without one, the
answer says only `Bearer` (`api.errors`)."""


class VerifiedToken(Token):
    """Litestar's `Token`, decoded with a clock leeway and any of the accepted secrets,
    or with the provider's key.

    Subclasses made by `token_class` carry the configuration (Litestar calls `decode`
    as a class method with the current secret only).
    """

    previous_secrets: ClassVar[tuple[str, ...]] = ()
    leeway_seconds: ClassVar[float] = 0.0
    max_lifetime_seconds: ClassVar[float] = float("inf")
    roles_claim: ClassVar[tuple[str, ...]] = ("roles",)
    provider_keys: ClassVar[ProviderKeys | None] = None
    """The identity provider's keys: set, tokens are verified with them alone."""

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
        secret (or, for the provider's tokens, with the key passed as `secret`), within
        the leeway; PyJWT's errors otherwise (Litestar answers 401)."""
        claims = cls._verified(encoded_token, secret, algorithms, issuer, audience, options)
        check_claims(claims, cls.max_lifetime_seconds, cls.leeway_seconds, cls.roles_claim)
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


def check_claims(
    claims: Any,
    max_lifetime_seconds: float,
    leeway_seconds: float,
    roles_claim: tuple[str, ...] = ("roles",),
) -> None:
    """Claims read as their types: the roles (at `roles_claim`), when present, a list of
    strings (`"admin"` or `{"admin": false}` is no list of roles); and a lifetime (`exp`
    after `iat`, or after now without `iat`) of at most `max_lifetime_seconds`.
    `InvalidTokenError` (401) otherwise."""
    roles = claim_at(claims, roles_claim)
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
    previous_secret: str | None,
    leeway_seconds: float,
    max_lifetime_seconds: float,
    roles_claim: tuple[str, ...] = ("roles",),
    provider_keys: ProviderKeys | None = None,
) -> type[VerifiedToken]:
    """A `VerifiedToken` class that also accepts `previous_secret` (or, with
    `provider_keys`, only the provider's keys), with the leeway, the longest lifetime
    accepted and the path of the roles."""
    attributes = {
        "previous_secrets": (previous_secret,) if previous_secret else (),
        "leeway_seconds": leeway_seconds,
        "max_lifetime_seconds": max_lifetime_seconds,
        "roles_claim": roles_claim,
        "provider_keys": provider_keys,
    }
    return cast(type[VerifiedToken], type("ConfiguredToken", (VerifiedToken,), attributes))


class BearerTokenMiddleware(JWTAuthenticationMiddleware):
    """Litestar's JWT middleware, whose 401s for a token sent say `invalid_token`, and
    which, for the provider's tokens, first finds the token's key (asynchronously: it
    may have to be fetched)."""

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        """The caller of a request with a valid token; `NotAuthorizedException` (401)
        otherwise, with its challenge when a token was sent."""
        try:
            return await super().authenticate_request(connection)
        except NotAuthorizedException as error:
            if not connection.headers.get(self.auth_header):
                raise
            challenge = {"WWW-Authenticate": INVALID_TOKEN_CHALLENGE}
            raise NotAuthorizedException(error.detail, headers=challenge) from error

    async def authenticate_token(
        self, encoded_token: str, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        """The caller of `encoded_token`, verified with the secret or the provider's key."""
        keys = cast(type[VerifiedToken], self.token_cls).provider_keys
        if keys is None:
            return await super().authenticate_token(encoded_token, connection)
        key = await provider_key(keys, encoded_token)
        token = self.token_cls.decode(
            encoded_token=encoded_token,
            # PyJWT takes the key (a `PyJWK`) where Litestar passes a secret: the key's
            # own algorithm is then the only one the signature is checked with
            secret=cast(str, key),
            algorithm=key.algorithm_name,
            audience=self.token_audience,
            issuer=self.token_issuer,
            require_claims=self.require_claims,
            verify_exp=self.verify_expiry,
            verify_nbf=self.verify_not_before,
            strict_audience=self.strict_audience,
        )
        user = await self.retrieve_user_handler(token, connection)
        if not user:
            raise NotAuthorizedException()
        return AuthenticationResult(user=user, auth=token)


async def caller_from_token(token: Token, _: ASGIConnection[Any, Any, Any, Any]) -> Caller:
    """The caller a verified token names: `sub`, the roles (at the token class's
    `roles_claim`), and optional profile claims."""
    roles_claim = token.roles_claim if isinstance(token, VerifiedToken) else ("roles",)
    roles = claim_at(token.extras, roles_claim) or []  # a list of strings: `check_claims`
    email = token.extras.get("email")
    name = token.extras.get("name")
    return Caller(
        auth_id=token.sub,
        roles=frozenset(str(role) for role in roles if isinstance(role, str)),
        email=email if isinstance(email, str) else None,
        name=name if isinstance(name, str) else None,
    )


def jwt_auth(
    secret: str, settings: Settings, provider_keys: ProviderKeys | None = None
) -> JWTAuth[Caller, VerifiedToken]:
    """Every route needs a valid token except health checks and the OpenAPI schema:
    HS256 with `secret`, or with `provider_keys` the provider's tokens alone.

    From `settings`: the issuer and audience (required when set), the clock leeway, the
    path of the roles and the previous secret of a change-over."""
    previous = None if provider_keys is not None else settings.jwt_previous_secret
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
            settings.roles_claim_path,
            provider_keys,
        ),
        authentication_middleware_class=BearerTokenMiddleware,
        retrieve_user_handler=caller_from_token,
        exclude=["^/health", "^/metrics", "^/schema"],
        require_claims=claims,
        accepted_issuers=[settings.jwt_issuer] if settings.jwt_issuer else None,
        accepted_audiences=[settings.jwt_audience] if settings.jwt_audience else None,
        description=(
            "the identity provider's RS256 / ES256 token"
            if provider_keys is not None
            else "HS256 bearer token"
        )
        + f"; `sub` is the caller's authId, `admin` among the roles at"
        f" `{settings.jwt_roles_claim}` for admins",
    )


def admins_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard of the admin routes: a caller without the `admin` role is refused (403)
    before the request body is read, so a non-admin learns nothing from validation."""
    caller = connection.scope.get("user")
    if not isinstance(caller, Caller) or not caller.is_admin:
        raise Forbidden("only admins may use the admin routes")

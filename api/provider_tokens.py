"""The identity provider's tokens: which key verifies one, read from its header.

A token names its algorithm and key (`alg`, `kid`); only RS256 and ES256 are accepted,
each with a key of its own type (`service.platform.jwks`), so an HS256 token, one with
`alg: none`, or one that names RS256 with a key published for something else is
refused before any signature is checked. What fails and how:

- a token that is not a JWT, names another algorithm, has no `kid`, or names a key the
  provider does not publish (after a fetch, or while the cooldown allows none): 401;
- no key was ever fetched and the provider does not answer: 503 with `Retry-After` (the
  seconds until the next fetch may start);
- the request's deadline passes while it waits for a fetch (`api.deadline`): 503 with
  `Retry-After: 1` (the fetch goes on for the requests after it).
"""

import asyncio
import logging

import jwt
from jwt import PyJWK
from litestar.exceptions import NotAuthorizedException

from api.deadline import seconds_left
from api.errors import provider_unavailable
from service.platform.config import Settings
from service.platform.jwks import ALGORITHMS, KeysUnavailable, ProviderKeys, UnknownKey

logger = logging.getLogger("profiles.auth")


async def provider_key(keys: ProviderKeys, encoded_token: str) -> PyJWK:
    """The provider's key that may verify `encoded_token` (its signature not checked
    yet); `NotAuthorizedException` (401) or a 503 problem otherwise."""
    try:
        header = jwt.get_unverified_header(encoded_token)
    except jwt.InvalidTokenError as error:
        raise NotAuthorizedException("Invalid token") from error
    algorithm, kid = header.get("alg"), header.get("kid")
    if not isinstance(algorithm, str) or algorithm not in ALGORITHMS:
        raise NotAuthorizedException(
            "Invalid token: only the identity provider's RS256 and ES256 tokens are accepted"
        )
    if not isinstance(kid, str) or not kid:
        raise NotAuthorizedException("Invalid token: its header names no key (`kid`)")
    try:
        async with asyncio.timeout(seconds_left()):
            return await keys.key(kid, algorithm)
    except TimeoutError as error:
        raise provider_unavailable(
            1, "the identity provider's keys did not come within the request's deadline"
        ) from error
    except UnknownKey as error:
        raise NotAuthorizedException(
            "Invalid token: signed with a key the identity provider does not publish"
        ) from error
    except KeysUnavailable as error:
        raise provider_unavailable(error.retry_after) from error


def provider_keys(settings: Settings) -> ProviderKeys:
    """The keys of `settings.jwt_jwks_url`, each fetch bounded by the JWKS timeout and
    the request timeout, whichever is shorter. Says in the log when tokens are not held
    to an issuer or an audience (any token of the provider would do)."""
    if not settings.jwt_jwks_url:
        raise ValueError("no PROFILES_JWT_JWKS_URL")
    if not settings.jwt_issuer:
        logger.warning(
            "PROFILES_JWT_ISSUER is unset: tokens of any issuer signed with these keys are"
            " accepted (a provider of many tenants signs all of theirs with the same keys)"
        )
    if not settings.jwt_audience:
        logger.warning(
            "PROFILES_JWT_AUDIENCE is unset: tokens the identity provider issued for any"
            " other application are accepted too"
        )
    return ProviderKeys(
        settings.jwt_jwks_url,
        timeout_seconds=min(settings.jwt_jwks_timeout_seconds, settings.request_timeout_ms / 1000),
        cooldown_seconds=settings.jwt_jwks_cooldown_seconds,
        max_age_seconds=settings.jwt_jwks_cache_seconds,
    )

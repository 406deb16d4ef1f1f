"""The identity provider's signing keys, fetched from its JWKS and kept in memory.

One set of keys per process, by `kid` and algorithm. Only keys of an allowed type and
algorithm are kept: RSA keys for RS256, P-256 keys for ES256, and neither if the key
says it is for anything but signatures (`use`) or names another `alg`. A key the
provider publishes as `oct` (a shared secret) or for another algorithm is never one a
token can be verified with, so no token can choose how it is checked.

Fetches are rare and never block the event loop (httpx, asynchronously):
- the service fetches the keys as it starts, in the background (`prefetch`);
- a token whose `kid` is not among the keys waits for a fetch, then is looked up again;
- keys older than `max_age_seconds` are fetched again in the background, while the
  request that noticed goes on with them;
- at most one fetch starts per `cooldown_seconds`, whatever asks for it and whether it
  succeeds, and requests that need one while it runs share it: a flood of tokens with
  made-up `kid`s costs the provider one fetch per cooldown;
- a failed fetch (unreachable, an error status, no usable key, past `timeout_seconds`)
  keeps the keys of the last good one: known keys go on working through an outage.
"""

import asyncio
import json
import logging
import math
import time
from collections.abc import Callable
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt import PyJWK, PyJWKSet, PyJWTError

logger = logging.getLogger("profiles.auth")

ALGORITHMS_BY_KEY_TYPE = {"RSA": "RS256", "EC": "ES256"}
"""The one algorithm each key type may verify (`kty` to `alg`)."""
ALGORITHMS = frozenset(ALGORITHMS_BY_KEY_TYPE.values())
"""The algorithms a token of the provider may name in its header."""
MAX_JWKS_BYTES = 512 * 1024
"""A JWKS is a few kilobytes; a larger answer is refused, not read."""


class UnknownKey(Exception):
    """No key of the provider has this `kid` and algorithm (after a fetch, or while the
    cooldown allows none): the token cannot be verified."""


class KeysUnavailable(Exception):
    """No key was ever fetched, and the provider did not answer: nothing can be verified
    yet. `retry_after` is the number of seconds until the next fetch may start."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("the identity provider's keys could not be fetched")
        self.retry_after = retry_after


class FetchFailed(Exception):
    """One fetch of the JWKS that brought no usable keys."""


class ProviderKeys:
    """The signing keys of the JWKS at `url` (see the module's docstring)."""

    def __init__(
        self,
        url: str,
        *,
        timeout_seconds: float,
        cooldown_seconds: float,
        max_age_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self.timeout_seconds = timeout_seconds
        self.cooldown_seconds = cooldown_seconds
        self.max_age_seconds = max_age_seconds
        self._clock = clock
        self._keys: dict[tuple[str, str], PyJWK] = {}
        self._fetched_at: float | None = None
        """When the keys in use were fetched (None: never)."""
        self._started_at: float | None = None
        """When the last fetch started, whatever became of it (the cooldown's start)."""
        self._fetch: asyncio.Task[None] | None = None
        """The fetch in flight."""

    async def key(self, kid: str, algorithm: str) -> PyJWK:
        """The key `kid` for `algorithm`: from the keys in hand (fetched again in the
        background when they are old), else after a fetch if the cooldown allows one (or
        one is in flight). `UnknownKey` when there is no such key; `KeysUnavailable`
        when no key was ever fetched."""
        found = self._keys.get((kid, algorithm))
        if found is not None:
            if self._clock() - (self._fetched_at or 0.0) >= self.max_age_seconds:
                self._start_fetch()
            return found
        fetch = self._start_fetch()
        if fetch is not None:
            # shielded: a request cancelled while it waits leaves the shared fetch running
            await asyncio.shield(fetch)
            found = self._keys.get((kid, algorithm))
            if found is not None:
                return found
        if self._fetched_at is None:
            raise KeysUnavailable(self._seconds_until_next_fetch())
        raise UnknownKey(kid)

    def prefetch(self) -> None:
        """Fetch the keys in the background now (unless a fetch is in flight or the
        cooldown allows none), so that the first tokens find them in hand."""
        self._start_fetch()

    async def aclose(self) -> None:
        """Stop the fetch in flight, if any (at shutdown)."""
        fetch, self._fetch = self._fetch, None
        if fetch is not None and not fetch.done():
            fetch.cancel()
            await asyncio.gather(fetch, return_exceptions=True)

    def _start_fetch(self) -> "asyncio.Task[None] | None":
        """The fetch in flight, or a new one if the cooldown has passed; else None."""
        if self._fetch is not None and not self._fetch.done():
            return self._fetch
        now = self._clock()
        if self._started_at is not None and now - self._started_at < self.cooldown_seconds:
            return None
        self._started_at = now
        self._fetch = asyncio.create_task(self._refresh(), name="jwks-fetch")
        return self._fetch

    def _seconds_until_next_fetch(self) -> int:
        waited = self._clock() - (self._started_at or 0.0)
        return max(1, math.ceil(self.cooldown_seconds - waited))

    async def _refresh(self) -> None:
        """One fetch; its keys replace those in hand when it brings any, else the failure
        is logged and the keys in hand stay."""
        try:
            async with asyncio.timeout(self.timeout_seconds):
                keys = usable_keys(await self._download())
        except Exception as error:  # whatever went wrong, the keys in hand stay
            kept = f"keeping the {len(self._keys)} keys in hand" if self._keys else "no keys yet"
            logger.warning(
                "fetching the identity provider's keys from %s failed (%s: %s); %s",
                self.url,
                type(error).__name__,
                str(error) or "timed out",
                kept,
            )
            return
        self._keys = keys
        self._fetched_at = self._clock()
        logger.info("fetched %d signing keys of the identity provider", len(keys))

    async def _download(self) -> Any:
        """The JSON of the JWKS (redirects not followed, at most `MAX_JWKS_BYTES`)."""
        async with (
            httpx.AsyncClient(timeout=self.timeout_seconds, follow_redirects=False) as client,
            client.stream("GET", self.url, headers={"Accept": "application/json"}) as response,
        ):
            if response.status_code != 200:
                raise FetchFailed(f"HTTP {response.status_code}")
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > MAX_JWKS_BYTES:
                    raise FetchFailed(f"the answer is larger than {MAX_JWKS_BYTES} bytes")
        try:
            return json.loads(body)
        except ValueError as error:
            raise FetchFailed("the answer is not JSON") from error


def usable_keys(document: Any) -> dict[tuple[str, str], PyJWK]:
    """The keys of a JWKS document that may verify a token, by `kid` and algorithm
    (parsed by PyJWT's `PyJWKSet`); `FetchFailed` when there are none."""
    if not isinstance(document, dict):
        raise FetchFailed("the answer is no JSON object")
    try:
        parsed = PyJWKSet.from_dict(document)
    except PyJWTError as error:
        raise FetchFailed(str(error)) from error
    keys = {
        (key.key_id, key.algorithm_name): key
        for key in parsed.keys
        if key.key_id and _may_sign(key)
    }
    if not keys:
        raise FetchFailed("no RS256 or ES256 signing key with a `kid`")
    return keys


def _may_sign(key: PyJWK) -> bool:
    """Whether `key` is a public key of the type its algorithm allows (an EC key on
    P-256), published for signatures."""
    if key.public_key_use not in (None, "sig") or key.key_type is None:
        return False
    if ALGORITHMS_BY_KEY_TYPE.get(key.key_type) != key.algorithm_name:
        return False
    if isinstance(key.key, ec.EllipticCurvePublicKey):
        return isinstance(key.key.curve, ec.SECP256R1)
    return isinstance(key.key, rsa.RSAPublicKey)

"""The identity provider's keys (`service.platform.jwks`) against a JWKS served over real
HTTP, on a clock of the test's: one fetch per cooldown however many lookups ask for one
at once, keys past their age fetched again in the background, what a JWKS may hold,
a fetch that takes too long; and the claim paths of the roles."""

import asyncio
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import RSAAlgorithm

from service.platform.claims import claim_at, claim_path, with_claim
from service.platform.jwks import (
    FetchFailed,
    KeysUnavailable,
    ProviderKeys,
    UnknownKey,
    usable_keys,
)
from tests.api.identity_provider import JwksServer, Signer, ec_signer, rsa_signer, serving


class Clock:
    """A monotonic clock that moves only when the test says."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(scope="module")
def key_a() -> Signer:
    return rsa_signer("rsa-a")


@pytest.fixture(scope="module")
def key_b() -> Signer:
    return rsa_signer("rsa-b")


@pytest.fixture
def provider(key_a: Signer) -> Iterator[JwksServer]:
    with serving(key_a) as server:
        yield server


def keys_of(server: JwksServer, clock: Clock, **changes: Any) -> ProviderKeys:
    options: dict[str, Any] = {
        "timeout_seconds": 10.0,
        "cooldown_seconds": 60.0,
        "max_age_seconds": 600.0,
        **changes,
    }
    return ProviderKeys(server.url, clock=clock, **options)


async def made_up_lookups(keys: ProviderKeys, count: int) -> list["asyncio.Task[Any]"]:
    """`count` lookups of made-up `kid`s, started at once."""
    return [asyncio.create_task(keys.key(uuid.uuid4().hex, "RS256")) for _ in range(count)]


async def test_lookups_that_need_a_fetch_at_once_share_one_per_cooldown(
    provider: JwksServer,
) -> None:
    clock = Clock()
    keys = keys_of(provider, clock)
    try:
        provider.gate.clear()  # the provider holds its answer until the test lets it go
        flood = await made_up_lookups(keys, 50)
        await asyncio.to_thread(provider.arrived.wait, 10)
        # the loop ran every lookup to its first wait before the test got here: all 50
        # are waiting on the one fetch the provider holds, and the loop is not blocked
        assert not any(lookup.done() for lookup in flood)
        assert provider.fetches == 1
        provider.gate.set()
        results = await asyncio.gather(*flood, return_exceptions=True)
        assert all(isinstance(result, UnknownKey) for result in results), results
        assert provider.fetches == 1

        # within the cooldown: none fetches
        later = await asyncio.gather(*await made_up_lookups(keys, 50), return_exceptions=True)
        assert all(isinstance(result, UnknownKey) for result in later)
        assert provider.fetches == 1

        # past it: one fetch again, for all of them
        clock.advance(60)
        again = await asyncio.gather(*await made_up_lookups(keys, 50), return_exceptions=True)
        assert all(isinstance(result, UnknownKey) for result in again)
        assert provider.fetches == 2
        assert (await keys.key("rsa-a", "RS256")).key_id == "rsa-a"
        assert provider.fetches == 2
    finally:
        await keys.aclose()


async def test_keys_past_their_age_are_fetched_again_in_the_background(
    provider: JwksServer, key_b: Signer
) -> None:
    clock = Clock()
    keys = keys_of(provider, clock, cooldown_seconds=30, max_age_seconds=300)
    try:
        assert (await keys.key("rsa-a", "RS256")).key_id == "rsa-a"
        provider.publish(key_b)  # rotated: `rsa-a` is gone
        clock.advance(300)
        # the lookup that notices the age goes on with the keys in hand...
        assert (await keys.key("rsa-a", "RS256")).key_id == "rsa-a"
        # ...while a fetch runs, which the next lookup that needs one joins
        assert (await keys.key("rsa-b", "RS256")).key_id == "rsa-b"
        assert provider.fetches == 2
        with pytest.raises(UnknownKey):
            await keys.key("rsa-a", "RS256")
        assert provider.fetches == 2  # within the cooldown
    finally:
        await keys.aclose()


async def test_a_fetch_that_fails_keeps_the_keys_in_hand(provider: JwksServer) -> None:
    clock = Clock()
    keys = keys_of(provider, clock, cooldown_seconds=0, max_age_seconds=1)
    try:
        assert (await keys.key("rsa-a", "RS256")).key_id == "rsa-a"
        for breakage in ("failing", "no usable key"):
            if breakage == "failing":
                provider.failing = True
            else:
                provider.failing = False
                provider.keys = [{"kty": "oct", "kid": "shared", "k": "c2VjcmV0"}]
            with pytest.raises(UnknownKey):
                await keys.key("rsa-other", "RS256")  # fetches, and fails
            assert (await keys.key("rsa-a", "RS256")).key_id == "rsa-a"
        assert provider.fetches == 3
    finally:
        await keys.aclose()


async def test_a_fetch_that_takes_too_long_ends_at_the_timeout(provider: JwksServer) -> None:
    clock = Clock()
    keys = keys_of(provider, clock, timeout_seconds=0.2, cooldown_seconds=10)
    provider.gate.clear()
    try:
        with pytest.raises(KeysUnavailable) as raised:
            await keys.key("rsa-a", "RS256")
        assert raised.value.retry_after == 10
        clock.advance(4)
        with pytest.raises(KeysUnavailable) as raised:
            await keys.key("rsa-a", "RS256")
        assert raised.value.retry_after == 6
        assert provider.fetches == 1
    finally:
        provider.gate.set()
        await keys.aclose()


def test_only_public_signing_keys_of_the_allowed_types_are_kept(key_a: Signer) -> None:
    ec_key = ec_signer("ec-1")
    p384 = Signer("ec-384", "ES384", ec.generate_private_key(ec.SECP384R1()))
    assert isinstance(key_a.private_key, rsa.RSAPrivateKey)
    private = {**RSAAlgorithm.to_jwk(key_a.private_key, as_dict=True), "kid": "rsa-private"}
    document = {
        "keys": [
            key_a.jwk(),
            ec_key.jwk(),
            {"kty": "oct", "kid": "shared", "k": "c2VjcmV0", "alg": "HS256"},
            {"kty": "oct", "kid": "shared-no-alg", "k": "c2VjcmV0"},
            key_a.jwk(kid="rsa-384", alg="RS384"),
            key_a.jwk(kid="rsa-hs", alg="HS256"),
            key_a.jwk(kid="rsa-enc", use="enc"),
            {name: value for name, value in key_a.jwk().items() if name != "kid"},
            p384.jwk(),
            {**p384.jwk(kid="ec-384-as-256"), "alg": "ES256"},
            ec_key.jwk(kid="ec-as-rs", alg="RS256"),
            private,
            "not a key",
        ]
    }
    kept = usable_keys(document)
    assert sorted(kept) == [("ec-1", "ES256"), ("rsa-a", "RS256")]
    with pytest.raises(FetchFailed):
        usable_keys({"keys": document["keys"][2:]})
    with pytest.raises(FetchFailed):
        usable_keys(["not", "an", "object"])


def test_claim_paths() -> None:
    assert claim_path("roles") == ("roles",)
    assert claim_path("realm_access.roles") == ("realm_access", "roles")
    assert claim_path(r"https://example\.com/roles") == ("https://example.com/roles",)
    assert claim_path(r"https://example\.com/app.roles") == ("https://example.com/app", "roles")
    for bad in ("", "a..b", ".roles", "roles."):
        with pytest.raises(ValueError, match="no claim path"):
            claim_path(bad)
    claims = {"realm_access": {"roles": ["admin"]}, "flat": "x"}
    assert claim_at(claims, ("realm_access", "roles")) == ["admin"]
    assert claim_at(claims, ("flat", "roles")) is None
    assert claim_at(claims, ("missing",)) is None
    assert with_claim({"sub": "x"}, ("a", "b"), [1]) == {"sub": "x", "a": {"b": [1]}}

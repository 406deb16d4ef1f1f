"""The identity provider's tokens (`PROFILES_JWT_JWKS_URL`), against a JWKS served over
real HTTP: RS256 and ES256 accepted, everything else refused (HS256 with the local secret
or with the public key, `alg: none`, foreign issuers and audiences, removed keys), keys
fetched once and again only when needed, an unreachable provider, the roles claim."""

import asyncio
import gc
import threading
import time
import uuid
import warnings
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any, cast

import pytest
from litestar import Litestar
from litestar.plugins.problem_details import ProblemDetailsException
from litestar.testing import AsyncTestClient
from litestar.types import Receive, Scope, Send

from api.app import create_app
from api.deadline import request_clock
from api.provider_tokens import provider_key, provider_keys
from service.cli.main import main
from service.platform.config import Settings
from service.platform.db import Database
from service.platform.embedded import free_port
from service.platform.jwks import ProviderKeys
from service.platform.secrets import MissingSecretError
from tests.api.deadline_helpers import CommandRecorder
from tests.api.identity_provider import (
    AUDIENCE,
    ISSUER,
    JwksServer,
    Signer,
    ec_signer,
    hmac_token,
    provider_claims,
    rsa_signer,
    serving,
)
from tests.helpers import EXPECTED_MIGRATIONS, TEST_SECRET, only_settings, token

PATH = "/v1/dance-styles"  # needs any valid token and no account
ADMIN_PATH = "/v1/admin/flags"  # needs an admin
PROBLEM_JSON = "application/problem+json"
HELD_SECONDS = 0.5
"""How long the provider holds the keys in the deadline test."""

Factory = Callable[..., AbstractAsyncContextManager[AsyncTestClient[Litestar]]]


@pytest.fixture(scope="module")
def key_a() -> Signer:
    return rsa_signer("rsa-a")


@pytest.fixture(scope="module")
def key_b() -> Signer:
    return rsa_signer("rsa-b")


@pytest.fixture(scope="module")
def key_e() -> Signer:
    return ec_signer("ec-1")


@pytest.fixture(scope="module")
def impostor() -> Signer:
    """A key nobody published, under the `kid` of `key_a`."""
    return rsa_signer("rsa-a")


@pytest.fixture
def provider(key_a: Signer, key_e: Signer) -> Iterator[JwksServer]:
    """The provider, publishing `key_a` (RS256) and `key_e` (ES256)."""
    with serving(key_a, key_e) as server:
        yield server


@pytest.fixture
def client_with(settings: Settings, database: Database) -> Factory:
    """A client of the app taking the provider's tokens from `url` (issuer and audience
    set), with the settings changed by the keyword arguments."""

    @asynccontextmanager
    async def make(url: str, **changes: Any) -> AsyncIterator[AsyncTestClient[Litestar]]:
        provider_settings = {
            "jwt_jwks_url": url,
            "jwt_issuer": ISSUER,
            "jwt_audience": AUDIENCE,
            "rate_limit_per_second": 0,
            **changes,
        }
        app = create_app(
            settings.model_copy(update=provider_settings), expected_migrations=EXPECTED_MIGRATIONS
        )
        async with AsyncTestClient(app=app) as client:
            yield client

    return make


def bearer(encoded: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {encoded}"}


def unsigned_token(kid: str) -> str:
    """A token with `alg: none`, a published `kid` and no signature."""
    return hmac_token(b"", {"alg": "none", "kid": kid}, provider_claims()).rsplit(".", 1)[0] + "."


async def test_the_token_matrix(
    client_with: Factory,
    provider: JwksServer,
    key_a: Signer,
    key_e: Signer,
    impostor: Signer,
) -> None:
    """Each kind of token once, against keys fetched once: what passes and what is a 401
    (problem+json, `WWW-Authenticate`)."""
    now = int(time.time())
    pem = key_a.public_pem()
    cases: dict[str, tuple[dict[str, str], int]] = {
        "RS256, published key": (bearer(key_a.token()), 200),
        "ES256, published key": (bearer(key_e.token()), 200),
        "RS256, unpublished key under a published kid": (bearer(impostor.token()), 401),
        "wrong issuer": (bearer(key_a.token({"iss": "https://evil.example.test/"})), 401),
        "wrong audience": (bearer(key_a.token({"aud": "another-api"})), 401),
        "no issuer": (bearer(key_a.token({"iss": None})), 401),
        "no audience": (bearer(key_a.token({"aud": None})), 401),
        "expired": (bearer(key_a.token({"iat": now - 900, "exp": now - 120})), 401),
        "no exp": (bearer(key_a.token({"exp": None})), 401),
        "no sub": (bearer(key_a.token({"sub": None})), 401),
        "HS256 signed with the public key PEM": (
            bearer(hmac_token(pem, {"alg": "HS256", "kid": key_a.kid}, provider_claims())),
            401,
        ),
        "RS256 header, HMAC signature with the public key PEM": (
            bearer(hmac_token(pem, {"alg": "RS256", "kid": key_a.kid}, provider_claims())),
            401,
        ),
        "alg none": (bearer(unsigned_token(key_a.kid)), 401),
        "HS256 with the local secret": (bearer(token("someone", secret=TEST_SECRET)), 401),
        "ES256 header naming the RSA key": (bearer(key_e.token(kid=key_a.kid)), 401),
        "no kid": (bearer(key_a.token(kid=None)), 401),
        "not a JWT": (bearer("not.a.jwt"), 401),
        "no token": ({}, 401),
    }
    async with client_with(provider.url, jwt_jwks_cooldown_seconds=3600) as client:
        got: dict[str, int] = {}
        for case, (headers, _) in cases.items():
            response = await client.get(PATH, headers=headers)
            got[case] = response.status_code
            if response.status_code == 401:
                assert response.headers["content-type"].startswith(PROBLEM_JSON), case
                assert response.json()["type"] == "urn:profiles:problem:unauthorized", case
                challenge = 'Bearer error="invalid_token"' if headers else "Bearer"
                assert response.headers["www-authenticate"] == challenge, case
    assert got == {case: status for case, (_, status) in cases.items()}
    assert provider.fetches == 1  # every key looked up in the keys of one fetch


async def test_a_rotated_out_key_is_refused_once_the_keys_are_fetched_again(
    client_with: Factory, provider: JwksServer, key_a: Signer, key_b: Signer
) -> None:
    async with client_with(provider.url, jwt_jwks_cooldown_seconds=0) as client:
        assert (await client.get(PATH, headers=bearer(key_a.token()))).status_code == 200
        provider.publish(key_b)  # the provider rotates: `rsa-a` is gone, `rsa-b` is new
        # until the keys are fetched again, the keys in hand still hold
        assert (await client.get(PATH, headers=bearer(key_a.token()))).status_code == 200
        assert provider.fetches == 1
        # a token with the new `kid` makes the service fetch them
        assert (await client.get(PATH, headers=bearer(key_b.token()))).status_code == 200
        assert provider.fetches == 2
        removed = await client.get(PATH, headers=bearer(key_a.token()))
        assert removed.status_code == 401
        assert removed.headers["content-type"].startswith(PROBLEM_JSON)


async def test_no_key_ever_fetched_and_the_provider_unreachable_is_a_503(
    client_with: Factory, provider: JwksServer, key_a: Signer
) -> None:
    provider.stop()
    async with client_with(provider.url, jwt_jwks_cooldown_seconds=30) as client:
        response = await client.get(PATH, headers=bearer(key_a.token()))
    assert response.status_code == 503
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    assert response.json()["type"] == "urn:profiles:problem:unavailable"
    assert 1 <= int(response.headers["retry-after"]) <= 30


async def test_a_failing_provider_is_asked_once_per_cooldown(
    client_with: Factory, provider: JwksServer, key_a: Signer
) -> None:
    provider.failing = True  # it answers, with 503
    async with client_with(provider.url, jwt_jwks_cooldown_seconds=3600) as client:
        for _ in range(5):
            response = await client.get(PATH, headers=bearer(key_a.token()))
            assert response.status_code == 503
            assert 3500 <= int(response.headers["retry-after"]) <= 3600
    assert provider.fetches == 1


async def test_known_keys_keep_working_while_the_provider_is_unreachable(
    client_with: Factory, provider: JwksServer, key_a: Signer, key_e: Signer
) -> None:
    """Even when the keys in hand are past their age and every request tries a fetch."""
    changes = {"jwt_jwks_cooldown_seconds": 0, "jwt_jwks_cache_seconds": 1e-6}
    async with client_with(provider.url, **changes) as client:
        assert (await client.get(PATH, headers=bearer(key_a.token()))).status_code == 200
        provider.stop()
        for _ in range(3):
            assert (await client.get(PATH, headers=bearer(key_a.token()))).status_code == 200
            assert (await client.get(PATH, headers=bearer(key_e.token()))).status_code == 200
        unknown = await client.get(PATH, headers=bearer(key_a.token(kid="rsa-unknown")))
        assert unknown.status_code == 401
        assert unknown.headers["content-type"].startswith(PROBLEM_JSON)


async def test_a_flood_of_unknown_kids_costs_one_fetch_per_cooldown(
    client_with: Factory, provider: JwksServer, key_a: Signer
) -> None:
    """From a cold start: the first made-up `kid` fetches the keys, the others (and
    then a good token) are answered from them. The concurrent case, with the requests
    held inside one fetch, is `tests/service/platform/test_provider_keys.py`."""
    async with client_with(provider.url, jwt_jwks_cooldown_seconds=3600) as client:
        for _ in range(40):
            made_up = key_a.token(kid=uuid.uuid4().hex)
            assert (await client.get(PATH, headers=bearer(made_up))).status_code == 401
        assert provider.fetches == 1
        assert (await client.get(PATH, headers=bearer(key_a.token()))).status_code == 200
    assert provider.fetches == 1


async def test_the_keys_are_fetched_as_the_service_starts(
    client_with: Factory, provider: JwksServer, key_a: Signer
) -> None:
    """In the background, before any token asks: the first one finds them fetched."""
    async with client_with(provider.url, jwt_jwks_cooldown_seconds=3600) as client:
        assert await asyncio.to_thread(provider.arrived.wait, 5), "no fetch before a request"
        response = await client.get(PATH, headers=bearer(key_a.token()))
    assert response.status_code == 200
    assert provider.fetches == 1


async def test_the_time_a_token_waits_for_the_keys_comes_out_of_the_requests_deadline(
    client_with: Factory, provider: JwksServer, key_a: Signer, recorder: CommandRecorder
) -> None:
    """One deadline from the request's arrival: the provider holds the keys (fetched as
    the app starts) until `HELD_SECONDS` after the request is sent, so the request's
    first database command has at most 1 s less that left (`maxTimeMS`; 100 ms of margin
    for the time between the timer's start and the request's arrival, and rounding)."""
    provider.gate.clear()
    release = threading.Timer(HELD_SECONDS, provider.gate.set)
    async with client_with(provider.url, request_timeout_ms=1000) as client:
        release.start()
        try:
            response = await client.get("/v1/me", headers=bearer(key_a.token()))
        finally:
            release.cancel()
            provider.gate.set()
    assert response.status_code == 404  # a valid token, no account yet: it was read
    finds = [command for _, name, command in recorder.commands if name == "find"]
    assert finds, recorder.names()
    assert finds[0]["maxTimeMS"] <= (1.0 - HELD_SECONDS) * 1000 + 100, finds[0]


async def test_a_request_whose_deadline_passes_while_it_waits_for_the_keys_is_a_503(
    provider: JwksServer, key_a: Signer
) -> None:
    """A fetch the provider holds past a request's deadline (a fetch of its own is
    bounded by the request timeout too; this one was started for a slower deadline)."""
    keys = ProviderKeys(provider.url, timeout_seconds=10, cooldown_seconds=10, max_age_seconds=600)
    waited: dict[str, float] = {}

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        started = time.monotonic()
        try:
            await provider_key(keys, key_a.token())
        finally:
            waited["seconds"] = time.monotonic() - started

    provider.gate.clear()
    try:
        with pytest.raises(ProblemDetailsException) as refused:
            await request_clock(0.3)(app)(cast(Scope, {"type": "http"}), _nothing, _nothing)
    finally:
        provider.gate.set()
        await keys.aclose()
    assert refused.value.status_code == 503
    assert refused.value.headers == {"Retry-After": "1"}
    assert "deadline" in str(refused.value.detail)
    assert 0.25 <= waited["seconds"] < 1.3, waited  # 0.3 s, and a second of margin


async def _nothing(*args: Any) -> Any:
    raise AssertionError("the app neither reads nor answers here")


async def test_roles_from_a_nested_claim_and_from_a_claim_named_with_dots(
    client_with: Factory, provider: JwksServer, key_a: Signer
) -> None:
    async with client_with(provider.url, jwt_roles_claim="realm_access.roles") as client:
        nested = key_a.token({"realm_access": {"roles": ["admin", "user"]}})
        assert (await client.get(ADMIN_PATH, headers=bearer(nested))).status_code == 200
        top_level = key_a.token({"roles": ["admin"]})  # not where the roles are
        assert (await client.get(ADMIN_PATH, headers=bearer(top_level))).status_code == 403
        not_a_list = key_a.token({"realm_access": {"roles": "admin"}})
        assert (await client.get(ADMIN_PATH, headers=bearer(not_a_list))).status_code == 401
    namespaced = r"https://example\.com/roles"
    async with client_with(provider.url, jwt_roles_claim=namespaced) as client:
        named = key_a.token({"https://example.com/roles": ["admin"]})
        assert (await client.get(ADMIN_PATH, headers=bearer(named))).status_code == 200
        split = key_a.token({"https://example": {"com/roles": ["admin"]}})
        assert (await client.get(ADMIN_PATH, headers=bearer(split))).status_code == 403


async def test_hs256_401s_say_how_to_authenticate(client: AsyncTestClient[Litestar]) -> None:
    missing = await client.get(PATH)
    assert missing.headers["www-authenticate"] == "Bearer"
    forged = await client.get(PATH, headers=bearer(token("x", secret="another-secret-" * 3)))
    assert forged.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert (await client.get(PATH, headers=bearer(token("x")))).status_code == 200


def test_a_key_fetch_ends_within_the_request_timeout() -> None:
    settings = Settings(
        jwt_jwks_url="https://idp.example.test/jwks",
        jwt_jwks_timeout_seconds=3,
        request_timeout_ms=500,
    )
    assert provider_keys(settings).timeout_seconds == 0.5


def test_profiles_token_says_tokens_come_from_the_provider(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    only_settings(monkeypatch, tmp_path / "data")
    monkeypatch.setenv("PROFILES_JWT_SECRET", TEST_SECRET)
    monkeypatch.setenv("PROFILES_JWT_JWKS_URL", "https://idp.example.test/jwks")

    assert main(["token", "--sub", "x"]) == 1

    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("profiles: PROFILES_JWT_JWKS_URL is set: tokens come from")


def test_serve_needs_no_secret_with_a_jwks_url(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With a database URL: past the secret, on to the database (which is not there)."""
    only_settings(monkeypatch, tmp_path / "data")
    monkeypatch.setenv("PROFILES_MONGODB_URL", f"mongodb://127.0.0.1:{free_port()}")
    monkeypatch.setenv("PROFILES_SERVER_SELECTION_TIMEOUT_MS", "200")
    monkeypatch.setenv("PROFILES_JWT_JWKS_URL", "https://idp.example.test/jwks")

    assert main(["serve"]) == 1
    # PyMongo's async client, closed while its monitor connects to a port that takes no
    # connection, leaves that socket to the garbage collector (PYTHON-5867; the command
    # exits at once): collected here, not in whichever test runs next
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()

    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and "cannot reach the database" in lines[0], lines
    without = Settings(
        mongodb_url="mongodb://db.example.test:27017", data_dir=tmp_path, jwt_jwks_url=None
    )
    with pytest.raises(MissingSecretError):
        create_app(without, expected_migrations=EXPECTED_MIGRATIONS)
    create_app(
        without.model_copy(update={"jwt_jwks_url": "https://idp.example.test/jwks"}),
        expected_migrations=EXPECTED_MIGRATIONS,
    )


def test_settings_refuse_a_jwks_url_that_is_no_http_url_and_a_bad_claim_path() -> None:
    for value in ("file:///etc/jwks.json", "idp.example.test/jwks", "https://"):
        with pytest.raises(ValueError, match="no http"):
            Settings(jwt_jwks_url=value)
    assert Settings(jwt_jwks_url="").jwt_jwks_url is None
    for path in ("", "a..b", ".roles", "roles."):
        with pytest.raises(ValueError, match="no claim path"):
            Settings(jwt_roles_claim=path)

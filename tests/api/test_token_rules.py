"""Bearer tokens: issuer and audience, clock leeway, secret rotation, `alg: none`, typed
`roles`, the longest lifetime."""

import base64
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import jwt
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from pydantic import SecretStr

from api.app import create_app
from service.cli.main import main
from service.platform.config import Settings
from service.platform.db import Database
from service.platform.secrets import MissingSecretError
from tests.helpers import EXPECTED_MIGRATIONS, TEST_SECRET, only_settings, token

OLD_SECRET = "the-previous-secret-of-at-least-thirty-two-bytes"
OTHER_SECRET = "some-other-secret-of-at-least-thirty-two-bytes-x"
ISSUER = "https://auth.example.test/"
AUDIENCE = "profiles-api"
PATH = "/v1/dance-styles"  # needs any valid token and no account

Factory = Callable[..., AbstractAsyncContextManager[AsyncTestClient[Litestar]]]


@pytest.fixture
def client_with(settings: Settings, database: Database) -> Factory:
    """A client of the app built with `settings` changed by the keyword arguments."""

    @asynccontextmanager
    async def make(**changes: Any) -> AsyncIterator[AsyncTestClient[Litestar]]:
        app = create_app(
            settings.model_copy(update=changes), expected_migrations=EXPECTED_MIGRATIONS
        )
        async with AsyncTestClient(app=app) as client:
            yield client

    return make


def signed(claims: dict[str, Any], secret: str = TEST_SECRET) -> dict[str, str]:
    now = int(time.time())
    body = {"sub": "someone", "iat": now - 5, "exp": now + 600, **claims}
    return {"Authorization": f"Bearer {jwt.encode(body, secret, algorithm='HS256')}"}


def unsigned(claims: dict[str, Any]) -> dict[str, str]:
    """A token with `alg: none` and no signature."""

    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    now = int(time.time())
    body = {"sub": "someone", "iat": now, "exp": now + 600, "roles": ["admin"], **claims}
    return {"Authorization": f"Bearer {part({'alg': 'none', 'typ': 'JWT'})}.{part(body)}."}


async def test_issuer_and_audience_are_required_when_configured(client_with: Factory) -> None:
    async with client_with(jwt_issuer=ISSUER, jwt_audience=AUDIENCE) as client:
        good = {"iss": ISSUER, "aud": AUDIENCE}
        assert (await client.get(PATH, headers=signed(good))).status_code == 200
        for claims in (
            {"iss": "https://evil.example.test/", "aud": AUDIENCE},
            {"iss": ISSUER, "aud": "another-api"},
            {"aud": AUDIENCE},
            {"iss": ISSUER},
            {},
        ):
            response = await client.get(PATH, headers=signed(claims))
            assert response.status_code == 401, claims
            assert response.headers["content-type"].startswith("application/problem+json")


async def test_issuer_and_audience_are_not_checked_when_unset(client_with: Factory) -> None:
    async with client_with() as client:
        for claims in ({}, {"iss": "anyone"}, {"iss": ISSUER, "aud": AUDIENCE}):
            assert (await client.get(PATH, headers=signed(claims))).status_code == 200


async def test_an_expired_token_is_accepted_only_within_the_leeway(client_with: Factory) -> None:
    now = int(time.time())
    just_expired = signed({"iat": now - 600, "exp": now - 10})
    long_expired = signed({"iat": now - 600, "exp": now - 60})
    issued_ahead = signed({"iat": now + 10})  # the issuer's clock runs a little fast
    async with client_with() as client:  # default leeway: 30 s
        assert (await client.get(PATH, headers=just_expired)).status_code == 200
        assert (await client.get(PATH, headers=issued_ahead)).status_code == 200
        assert (await client.get(PATH, headers=long_expired)).status_code == 401
    async with client_with(jwt_leeway_seconds=0) as client:
        assert (await client.get(PATH, headers=just_expired)).status_code == 401


async def test_the_previous_secret_is_accepted_only_when_configured(client_with: Factory) -> None:
    old = signed({}, OLD_SECRET)
    async with client_with() as client:
        assert (await client.get(PATH, headers=old)).status_code == 401
    async with client_with(jwt_previous_secret=SecretStr(OLD_SECRET)) as client:
        assert (await client.get(PATH, headers=old)).status_code == 200
        assert (await client.get(PATH, headers=signed({}))).status_code == 200
        assert (await client.get(PATH, headers=signed({}, OTHER_SECRET))).status_code == 401
        expired_old = signed(
            {"iat": int(time.time()) - 600, "exp": int(time.time()) - 60}, OLD_SECRET
        )
        assert (await client.get(PATH, headers=expired_old)).status_code == 401


async def test_alg_none_is_rejected(client_with: Factory) -> None:
    async with client_with(jwt_previous_secret=SecretStr(OLD_SECRET)) as client:
        assert (await client.get(PATH, headers=unsigned({}))).status_code == 401
        assert (await client.get("/v1/admin/flags", headers=unsigned({}))).status_code == 401


async def test_exp_sub_and_iat_are_required(client_with: Factory) -> None:
    now = int(time.time())
    async with client_with() as client:
        for missing in ("exp", "sub", "iat"):
            claims = {"sub": "someone", "iat": now, "exp": now + 600}
            del claims[missing]
            encoded = jwt.encode(claims, TEST_SECRET, algorithm="HS256")
            response = await client.get(PATH, headers={"Authorization": f"Bearer {encoded}"})
            assert response.status_code == 401, missing


async def test_roles_are_read_as_a_list_of_strings(client_with: Factory) -> None:
    """A typed claim is read as its type: `"admin"` or `{"admin": false}` is no list of
    roles, and such a token is refused, not read as an admin's."""
    async with client_with() as client:
        for roles in ("admin", {"admin": False}, [["admin"]], ["admin", 1], 1):
            response = await client.get("/v1/admin/flags", headers=signed({"roles": roles}))
            assert response.status_code == 401, roles
        admin = await client.get("/v1/admin/flags", headers=signed({"roles": ["admin"]}))
        assert admin.status_code == 200
        no_roles = await client.get(PATH, headers=signed({}))
        assert no_roles.status_code == 200


async def test_a_token_may_not_live_longer_than_the_limit(client_with: Factory) -> None:
    now = int(time.time())
    async with client_with(jwt_max_lifetime_seconds=3600, jwt_leeway_seconds=0) as client:
        century = signed({"iat": now, "exp": now + 100 * 365 * 86_400})
        assert (await client.get(PATH, headers=century)).status_code == 401
        too_long = signed({"iat": now, "exp": now + 3601})
        assert (await client.get(PATH, headers=too_long)).status_code == 401
        within = signed({"iat": now, "exp": now + 3600})
        assert (await client.get(PATH, headers=within)).status_code == 200


def test_profiles_token_refuses_a_ttl_over_the_limit(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    only_settings(monkeypatch, tmp_path / "data")
    monkeypatch.setenv("PROFILES_JWT_SECRET", TEST_SECRET)
    monkeypatch.setenv("PROFILES_JWT_MAX_LIFETIME_SECONDS", "600")
    assert main(["token", "--sub", "x", "--ttl", "601"]) == 1
    assert "PROFILES_JWT_MAX_LIFETIME_SECONDS=600" in capsys.readouterr().err
    assert main(["token", "--sub", "x", "--ttl", "600"]) == 0


async def test_tokens_of_the_test_helpers_still_work(client_with: Factory) -> None:
    async with client_with() as client:
        headers = {"Authorization": f"Bearer {token('someone')}"}
        assert (await client.get(PATH, headers=headers)).status_code == 200


def test_profiles_token_issues_the_configured_issuer_and_audience(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    only_settings(monkeypatch, tmp_path / "data")
    monkeypatch.setenv("PROFILES_JWT_SECRET", TEST_SECRET)
    monkeypatch.setenv("PROFILES_JWT_ISSUER", ISSUER)
    monkeypatch.setenv("PROFILES_JWT_AUDIENCE", AUDIENCE)

    assert main(["token", "--sub", "x"]) == 0

    issued = capsys.readouterr().out.strip()
    claims = jwt.decode(issued, TEST_SECRET, algorithms=["HS256"], audience=AUDIENCE, issuer=ISSUER)
    assert (claims["sub"], claims["iss"], claims["aud"]) == ("x", ISSUER, AUDIENCE)


def test_serve_refuses_to_start_with_a_database_url_and_no_secret(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    only_settings(monkeypatch, tmp_path / "data")
    monkeypatch.setenv("PROFILES_MONGODB_URL", "mongodb://db.example.test:27017")

    code = main(["serve"])

    captured = capsys.readouterr()
    assert code == 1
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("profiles: ") and "PROFILES_JWT_SECRET" in lines[0]
    with pytest.raises(MissingSecretError):
        create_app(
            Settings(mongodb_url="mongodb://db.example.test:27017", data_dir=tmp_path),
            expected_migrations=EXPECTED_MIGRATIONS,
        )

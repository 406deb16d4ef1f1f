"""The JWT secret (configured, or generated once for the embedded database) and tokens."""

import os
import stat
import time
from pathlib import Path

import jwt
import pytest
from pydantic import SecretStr

from service.platform.config import Settings
from service.platform.secrets import SECRET_FILE, MissingSecretError, jwt_secret
from service.platform.tokens import issue_token
from tests.helpers import TEST_SECRET

EXTERNAL_URL = "mongodb://db.example.test:27017/?replicaSet=rs0"


@pytest.fixture(autouse=True)
def no_profiles_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings come from the arguments of each test only, never from the environment."""
    for name in list(os.environ):
        if name.startswith("PROFILES_"):
            monkeypatch.delenv(name)


def make_settings(
    data_dir: Path, *, mongodb_url: str | None = None, secret: str | None = None
) -> Settings:
    return Settings(
        mongodb_url=mongodb_url,
        data_dir=data_dir,
        jwt_secret=None if secret is None else SecretStr(secret),
    )


@pytest.mark.parametrize("mongodb_url", [None, EXTERNAL_URL], ids=["embedded", "external"])
def test_configured_secret_wins(tmp_path: Path, mongodb_url: str | None) -> None:
    data_dir = tmp_path / "data"

    secret = jwt_secret(make_settings(data_dir, mongodb_url=mongodb_url, secret=TEST_SECRET))

    assert secret == TEST_SECRET
    assert not (data_dir / SECRET_FILE).exists()


@pytest.mark.parametrize("configured", [None, ""], ids=["unset", "empty"])
def test_embedded_without_secret_generates_one_private_file(
    tmp_path: Path, configured: str | None
) -> None:
    data_dir = tmp_path / "nested" / "data"
    settings = make_settings(data_dir, secret=configured)

    first = jwt_secret(settings)
    second = jwt_secret(settings)

    secret_file = data_dir / SECRET_FILE
    assert list(data_dir.iterdir()) == [secret_file]
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert secret_file.read_text().strip() == first
    assert len(first) >= 32
    assert second == first
    assert jwt_secret(make_settings(data_dir)) == first


def test_generated_secrets_differ_between_data_dirs(tmp_path: Path) -> None:
    one = jwt_secret(make_settings(tmp_path / "one"))
    two = jwt_secret(make_settings(tmp_path / "two"))

    assert one != two


@pytest.mark.parametrize("configured", [None, ""], ids=["unset", "empty"])
def test_external_database_without_secret_is_an_error(
    tmp_path: Path, configured: str | None
) -> None:
    data_dir = tmp_path / "data"

    with pytest.raises(MissingSecretError, match="PROFILES_JWT_SECRET"):
        jwt_secret(make_settings(data_dir, mongodb_url=EXTERNAL_URL, secret=configured))

    assert not data_dir.exists()


def test_issued_token_is_hs256_with_the_claims() -> None:
    before = int(time.time())

    token = issue_token(TEST_SECRET, "user_123", ["admin"], 600)

    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    claims = jwt.decode(token, TEST_SECRET, algorithms=["HS256"])
    assert claims["sub"] == "user_123"
    assert claims["roles"] == ["admin"]
    assert claims["exp"] > time.time()
    assert before + 599 <= claims["exp"] <= int(time.time()) + 600
    assert claims["exp"] - claims["iat"] == 600


def test_issued_token_without_roles() -> None:
    token = issue_token(TEST_SECRET, "user_123", [], 60)

    assert jwt.decode(token, TEST_SECRET, algorithms=["HS256"])["roles"] == []


def test_issued_token_does_not_verify_with_another_secret() -> None:
    token = issue_token(TEST_SECRET, "user_123", [], 600)

    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, "another-secret-of-at-least-thirty-two-bytes-xx", algorithms=["HS256"])


def test_an_empty_secret_file_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("PROFILES_MONGODB_URL", "PROFILES_JWT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "jwt-secret").write_text("")
    with pytest.raises(MissingSecretError, match="empty"):
        jwt_secret(Settings(data_dir=tmp_path))

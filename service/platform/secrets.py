"""The service's secret: configured, or generated once for the embedded database. It
signs bearer tokens (HS256, without a JWKS URL) and paging cursors."""

import logging
import os
import secrets
from contextlib import suppress
from pathlib import Path

from service.platform.config import Settings

logger = logging.getLogger("profiles")

SECRET_FILE = "jwt-secret"  # noqa: S105 (a file name, not a secret)


class MissingSecretError(RuntimeError):
    """No secret is configured where one must be."""


def jwt_secret(settings: Settings, *, generate: bool = True) -> str:
    """The configured secret; with the embedded database and none configured, the one
    kept in `PROFILES_DATA_DIR` (mode 0600), generated there first when `generate` (the
    server does; a command that only signs must find the server's, never make its own)."""
    if settings.jwt_secret is not None and settings.jwt_secret.get_secret_value():
        return settings.jwt_secret.get_secret_value()
    if settings.mongodb_url:
        raise MissingSecretError(
            "PROFILES_JWT_SECRET must be set when PROFILES_MONGODB_URL is set"
            " (and PROFILES_JWT_JWKS_URL is not)"
        )
    if not settings.uses_embedded_database:
        raise MissingSecretError(
            "PROFILES_JWT_SECRET must be set when the embedded database is off"
            " (PROFILES_EMBEDDED_DB=off)"
        )
    path = settings.data_dir / SECRET_FILE
    if not generate and not path.exists():
        raise MissingSecretError(
            f"no signing secret: PROFILES_JWT_SECRET is unset and {path.absolute()} does not"
            " exist (`profiles serve` generates it on its first start; or set"
            " PROFILES_JWT_SECRET, or PROFILES_DATA_DIR to the server's data directory)"
        )
    return _generated_secret(path)


def service_secret(settings: Settings) -> str:
    """The key that signs paging cursors (and, without a JWKS URL, tokens): `jwt_secret`.
    With the provider's tokens on an external database and no secret configured, where
    nothing needs one to verify tokens: a random key of this process alone, said in one
    log line (a cursor then holds only on the replica, and in the run, that issued it)."""
    configured = settings.jwt_secret is not None and settings.jwt_secret.get_secret_value()
    if settings.jwt_jwks_url and not configured and not settings.uses_embedded_database:
        logger.warning(
            "PROFILES_JWT_SECRET is unset: paging cursors are signed with a key of this"
            " process alone, so another replica or a restart refuses them (422); set it"
            " to the same value on every replica"
        )
        return secrets.token_urlsafe(48)
    return jwt_secret(settings)


def _generated_secret(path: Path) -> str:
    if not path.exists():
        _write_new_secret(path)
    value = path.read_text().strip()
    if not value:
        raise MissingSecretError(f"{path} is empty; delete it to generate a new secret")
    return value


def _write_new_secret(path: Path) -> None:
    """Write a fresh secret to `path` atomically: a crash leaves no half-written file, and
    of two processes starting at once, the first one's secret wins."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(48) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        with suppress(FileExistsError):  # another process generated it first: use theirs
            os.link(draft, path)
    finally:
        draft.unlink(missing_ok=True)

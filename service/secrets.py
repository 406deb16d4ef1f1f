"""The JWT signing secret: configured, or generated once for the embedded database."""

import os
import secrets
from pathlib import Path

from service.config import Settings

SECRET_FILE = "jwt-secret"  # noqa: S105 (a file name, not a secret)


class MissingSecretError(RuntimeError):
    """No secret is configured where one must be."""


def jwt_secret(settings: Settings) -> str:
    """The configured secret; with the embedded database and none configured, a random
    one generated once and kept in `PROFILES_DATA_DIR` (mode 0600)."""
    if settings.jwt_secret is not None and settings.jwt_secret.get_secret_value():
        return settings.jwt_secret.get_secret_value()
    if not settings.uses_embedded_database:
        raise MissingSecretError("PROFILES_JWT_SECRET must be set when PROFILES_MONGODB_URL is set")
    return _generated_secret(settings.data_dir / SECRET_FILE)


def _generated_secret(path: Path) -> str:
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(value + "\n")
    return value

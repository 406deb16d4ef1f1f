"""Settings, read from the environment (prefix `PROFILES_`), shared by server and CLI."""

from pathlib import Path
from typing import Literal

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every setting of the service; the contract's defaults."""

    model_config = SettingsConfigDict(env_prefix="PROFILES_", extra="ignore")

    mongodb_url: str | None = None
    """Unset: the embedded database (SecantusDB) is started as a child process."""
    db_name: str = "profiles"
    data_dir: Path = Path("./.data")
    jwt_secret: SecretStr | None = None
    host: str = "127.0.0.1"
    port: int = 8000

    server_selection_timeout_ms: int = 5000
    """Fail fast when the database is unreachable (PyMongo's default is 30 s)."""
    max_body_bytes: int = 64 * 1024
    """Request bodies above this are refused with 413: profiles are kilobytes."""
    migration_lock_ttl_seconds: float = 60.0
    """A crashed migration runner's lock expires this long after its last heartbeat."""
    search_backend: Literal["tokens", "text"] = "tokens"
    """`text` needs MongoDB text indexes (migration 0007); without them: `tokens`."""
    embedded_db_port: int = 0
    """Port of the embedded database; 0 picks a free one."""

    @property
    def uses_embedded_database(self) -> bool:
        """True when no external MongoDB URL is configured."""
        return not self.mongodb_url

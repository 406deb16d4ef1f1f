"""Settings, read from the environment (prefix `PROFILES_`), shared by server and CLI."""

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from service.platform.logs import LogLevel


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
    operation_timeout_ms: int = 10_000
    """Every database call outside a request (the commands, start-up) ends within this
    (PyMongo's `timeoutMS`; with it set, PyMongo bounds server selection by it and not by
    `server_selection_timeout_ms`). Inside a request, `request_timeout_ms` bounds the
    whole request instead."""
    request_timeout_ms: int = Field(default=10_000, gt=0)
    """One deadline for each HTTP request: every database command it sends, PyMongo's
    retries and transaction retries included, shares it (`pymongo.timeout`; each command
    carries the time left as `maxTimeMS`). Past it the request answers 503 with
    `Retry-After`. Inside a request it takes the place of `operation_timeout_ms`."""
    max_body_bytes: int = 64 * 1024
    """Request bodies above this are refused with 413: profiles are kilobytes."""
    migration_lock_ttl_seconds: float = 60.0
    """A crashed migration runner's lock expires this long after its last heartbeat."""
    search_backend: Literal["tokens", "text"] = "tokens"
    """`text` needs MongoDB text indexes (migration 0007); without them: `tokens`."""
    search_reader: Literal["auto", "in-order", "windowed"] = "auto"
    """How the `tokens` backend reads the index: `in-order` (a sorted, limited read that a
    server like mongod answers from the index in order), `windowed` (a `rankKey` window
    per read, for a server that sorts every match in memory), `auto`: `windowed` on the
    embedded server, `in-order` elsewhere."""
    embedded_db_port: int = 0
    """Port of the embedded database; 0 picks a free one."""
    embedded_restart_max_backoff_seconds: float = Field(default=30.0, gt=0)
    """The embedded database is restarted whenever it dies, after 0.5 s, then twice as
    long each time, up to this; after 3 failed restarts in a row `/health/live` fails."""
    log_format: Literal["text", "json"] = "text"
    """`json`: one JSON object per log line (time, level, logger, message, request_id)."""
    log_level: LogLevel = "info"
    """The lowest level logged (any case): `debug`, `info`, `warning`, `error`. `debug`
    reaches the service's and uvicorn's loggers, not the libraries'; `warning` and
    `error` leave out the access log (its lines are `info`)."""
    graceful_timeout_seconds: int = 20
    """On SIGTERM / SIGINT, requests in flight get this long to finish before the server
    stops (and then the embedded database)."""

    jwt_issuer: str | None = None
    """When set, tokens must carry this `iss`, and `profiles token` issues it."""
    jwt_audience: str | None = None
    """When set, tokens must carry this `aud`, and `profiles token` issues it."""
    jwt_leeway_seconds: float = Field(default=30.0, ge=0)
    """Clock skew tolerated on `exp`, `nbf` and `iat`."""
    metrics_token: SecretStr | None = None
    """When set, `/metrics` answers only `Authorization: Bearer <this token>` (401
    otherwise); unset, it needs no token and is for scraping from inside the cluster."""
    jwt_max_lifetime_seconds: int = Field(default=86_400, gt=0)
    """The longest a token may live: one whose `exp` lies further than this past its `iat`
    (or past now, without `iat`) is refused, and `profiles token --ttl` above it too."""
    jwt_previous_secret: SecretStr | None = None
    """Also accepted for verification during a secret change-over; never used to sign."""
    rate_limit_per_second: float = Field(default=20.0, ge=0)
    """Sustained GET requests per second per caller under `/v1` (searches have their own
    limit, `rate_limit_search_per_second`, when it is set); 0 disables the limit."""
    rate_limit_burst: int = Field(default=0, ge=0)
    """Requests a caller may make at once above the rate; 0: five seconds' worth."""
    rate_limit_search_per_second: float = Field(default=5.0, ge=0)
    """Sustained search requests (`GET /v1/search`, `/v1/dancers`, `/v1/choreographers`)
    per second per caller, from a bucket of their own (a page with `facets=true` costs
    two); 0 disables it, and searches then count as ordinary reads."""
    rate_limit_search_burst: int = Field(default=0, ge=0)
    """Searches a caller may make at once above the search rate; 0: five seconds' worth."""
    retention_days: int = Field(default=90, ge=1)
    """Migration issue records and legacy backups expire this long after they were
    written (TTL indexes of migration 0009, which reads this variable)."""

    @field_validator("log_level", mode="before")
    @classmethod
    def _any_case(cls, value: object) -> object:
        """`INFO`, ` Info ` and `info` are one level."""
        return value.strip().lower() if isinstance(value, str) else value

    @property
    def uses_embedded_database(self) -> bool:
        """True when no external MongoDB URL is configured."""
        return not self.mongodb_url

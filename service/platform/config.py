"""Settings, read from the environment (prefix `PROFILES_`), shared by server and CLI."""

from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from service.platform.claims import claim_path
from service.platform.logs import LogLevel


class Settings(BaseSettings):
    """Every setting of the service; the contract's defaults."""

    model_config = SettingsConfigDict(env_prefix="PROFILES_", extra="ignore")

    mongodb_url: str | None = None
    """Unset: the embedded database (SecantusDB) is started as a child process, unless
    `embedded_db` is off."""
    embedded_db: bool = True
    """Off (`PROFILES_EMBEDDED_DB=off`, as the production image sets it): no embedded
    database is ever started, so a missing `mongodb_url` stops every command that needs a
    database at start, in one line."""
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
    """One deadline for each HTTP request, from its arrival: a wait for the identity
    provider's keys and every database command it sends, PyMongo's retries and
    transaction retries included, share it (`pymongo.timeout`; each command carries the
    time left as `maxTimeMS`). Past it the request answers 503 with `Retry-After`.
    Inside a request it takes the place of `operation_timeout_ms`."""
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
    jwt_jwks_url: str | None = None
    """The identity provider's JWKS (its `jwks_uri`). Set: bearer tokens are the
    provider's, RS256 or ES256, verified with these keys, and HS256 tokens are refused.
    Unset: HS256 tokens signed with `jwt_secret`."""
    jwt_jwks_timeout_seconds: float = Field(default=3.0, gt=0)
    """How long one fetch of the JWKS may take (at most `request_timeout_ms`)."""
    jwt_jwks_cooldown_seconds: float = Field(default=10.0, ge=0)
    """At most one fetch of the JWKS per this many seconds, whatever asks for it (a token
    with an unknown `kid`, keys past their age, a failed fetch): tokens with made-up
    `kid`s cost the provider one fetch per cooldown. 0: no limit."""
    jwt_jwks_cache_seconds: float = Field(default=600.0, gt=0)
    """Keys fetched are fetched again (in the background) once they are this old; until
    a fetch succeeds, they stay in use."""
    jwt_roles_claim: str = "roles"
    """The claim holding the caller's roles (a list of strings; `admin` among them for an
    admin): a dotted path into the claims, `\\.` for a dot inside a name
    (`service.platform.claims`)."""
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

    @field_validator("jwt_jwks_url")
    @classmethod
    def _an_http_url(cls, value: str | None) -> str | None:
        """An http(s) URL with a host; empty is unset."""
        if not value:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{value!r} is no http(s) URL")
        return value

    @field_validator("jwt_roles_claim")
    @classmethod
    def _a_claim_path(cls, value: str) -> str:
        """A path `claim_path` reads."""
        claim_path(value)
        return value

    @property
    def roles_claim_path(self) -> tuple[str, ...]:
        """The names along `jwt_roles_claim`."""
        return claim_path(self.jwt_roles_claim)

    @field_validator("log_level", mode="before")
    @classmethod
    def _any_case(cls, value: object) -> object:
        """`INFO`, ` Info ` and `info` are one level."""
        return value.strip().lower() if isinstance(value, str) else value

    @property
    def uses_embedded_database(self) -> bool:
        """True when no external MongoDB URL is configured and the embedded database is
        allowed."""
        return not self.mongodb_url and self.embedded_db

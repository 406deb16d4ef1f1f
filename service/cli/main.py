"""The `profiles` command: serve, db, token."""

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from types import FrameType

from pydantic import ValidationError
from pymongo import MongoClient
from pymongo.errors import InvalidURI, PyMongoError
from pymongo.uri_parser import parse_uri

from migrations.context import server_has_transactions
from migrations.errors import MigrationError
from migrations.scripts import listed
from service.cli.flags import FlagsError, add_flags_parser, run_flags
from service.cli.migrate import add_migrate_parser, run_migrate
from service.cli.openapi import add_openapi_parser, write_openapi
from service.platform.config import Settings
from service.platform.embedded import EmbeddedDatabase, EmbeddedDatabaseError
from service.platform.logs import configure_logging
from service.platform.readiness import ExpectedMigrations
from service.platform.secrets import MissingSecretError, jwt_secret
from service.platform.tokens import issue_token
from service.platform.tracing import tracer_provider_from_environment

logger = logging.getLogger("profiles")


class CommandError(Exception):
    """An expected failure: printed as one line on stderr, exit code 1."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="profiles", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the API (what `make run` runs)")
    serve.add_argument("--host", help="interface to listen on (PROFILES_HOST)")
    serve.add_argument("--port", type=int, help="port to listen on (PROFILES_PORT)")

    db = commands.add_parser("db", help="run only the embedded database and print its URL")
    db.add_argument("--port", type=int, default=0, help="port (default: a free one)")

    add_migrate_parser(commands)
    add_flags_parser(commands)
    add_openapi_parser(commands)

    token = commands.add_parser("token", help="print a bearer token signed with the secret")
    token.add_argument("--sub", required=True, help="the caller's authId")
    token.add_argument("--role", action="append", default=[], help="a role, e.g. admin")
    token.add_argument("--ttl", type=int, default=3600, help="seconds until it expires")
    return parser


@contextmanager
def database_url(settings: Settings, port: int = 0) -> Iterator[str]:
    """The configured database URL, or an embedded database started for the block."""
    with served_database(settings, port, supervised=False) as (url, _):
        yield url


@contextmanager
def served_database(
    settings: Settings, port: int = 0, *, supervised: bool = True
) -> Iterator[tuple[str, Callable[[], bool]]]:
    """The database URL and whether it is alive: the configured one (always alive as
    far as this process can tell), or an embedded database started for the block and,
    when `supervised`, restarted whenever it dies."""
    if settings.mongodb_url:
        yield settings.mongodb_url, lambda: True
        return
    storage = settings.data_dir / "db"
    log = settings.data_dir / "db.log"
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with EmbeddedDatabase(storage, port=port or settings.embedded_db_port, log_path=log) as db:
        logger.info("embedded database at %s (data in %s)", db.url, storage)
        if supervised:
            db.supervise(settings.embedded_restart_max_backoff_seconds)
        yield db.url, db.alive


def check_database(url: str, timeout_ms: int, *, transactions: bool = True) -> None:
    """`CommandError` naming the hosts (never the credentials) unless the server answers
    and, when `transactions`, runs them (a replica set or a sharded cluster: every write
    of the service is a transaction, and a standalone server would refuse each one)."""
    try:
        hosts = ", ".join(f"{host}:{port}" for host, port in parse_uri(url)["nodelist"])
    except (InvalidURI, ValueError) as error:
        raise CommandError(f"PROFILES_MONGODB_URL is not a MongoDB URL: {error}") from error
    client: MongoClient[dict[str, object]] = MongoClient(
        url, serverSelectionTimeoutMS=timeout_ms, connectTimeoutMS=timeout_ms
    )
    try:
        hello = client.admin.command("hello")
    except PyMongoError as error:
        raise CommandError(
            f"cannot reach the database at {hosts} within {timeout_ms} ms ({type(error).__name__})"
        ) from error
    finally:
        client.close()
    if transactions and not server_has_transactions(hello):
        raise CommandError(
            f"the database at {hosts} runs no transactions (a standalone server): the service"
            " needs a replica set or a sharded cluster (a one-node replica set will do)"
        )


def serve(settings: Settings) -> None:
    """Serve the API until interrupted; stop the embedded database afterwards."""
    import uvicorn

    from api.app import create_app

    jwt_secret(settings)  # fail before starting anything when the secret is missing
    # uvicorn drains on SIGTERM / SIGINT, then raises the signal again with the handlers
    # it found: SIGINT then raises KeyboardInterrupt, and SIGTERM (default: die on the
    # spot) must too unwind, so that leaving the `with` stops the embedded database
    signal.signal(signal.SIGTERM, _exit_on_signal)
    with served_database(settings) as (url, alive):
        check_database(url, settings.server_selection_timeout_ms)
        if settings.uses_embedded_database:
            apply_pending_migrations(settings, url)
        tracer_provider = tracer_provider_from_environment()
        if tracer_provider is not None:
            logger.info("tracing on: spans exported by OTLP/HTTP (OTEL_* settings)")
        app = create_app(
            settings,
            expected_migrations=expected_migrations(),
            database_url=url,
            liveness=alive,
            tracer_provider=tracer_provider,
        )
        uvicorn.run(
            app,
            host=settings.host,
            port=settings.port,
            log_level=settings.log_level,
            log_config=None,  # uvicorn's lines go through our handler (format, request id)
            access_log=False,  # the service writes one structured line per request itself
            timeout_graceful_shutdown=settings.graceful_timeout_seconds,
        )


def expected_migrations() -> ExpectedMigrations:
    """What this release expects of the database: its scripts, listed from their files."""
    return ExpectedMigrations.of((script.version, script.destructive) for script in listed())


def _exit_on_signal(signum: int, frame: FrameType | None) -> None:
    logger.info("stopping on signal %d", signum)
    raise SystemExit(128 + signum)


def run_database(settings: Settings, port: int) -> None:
    """Run the embedded database in the foreground, printing its URL."""
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    with database_url(settings.model_copy(update={"mongodb_url": None}), port) as url:
        print(url, flush=True)
        stop.wait()


def migrate(settings: Settings, args: argparse.Namespace) -> int:
    """`profiles migrate ...` against the configured (or the embedded) database."""
    if args.action == "new":
        return run_migrate(args, settings, "")
    with database_url(settings) as url:
        # the runner refuses what needs transactions itself; status and a dry run do not
        check_database(url, settings.server_selection_timeout_ms, transactions=False)
        return run_migrate(args, settings, url)


def apply_pending_migrations(settings: Settings, url: str) -> None:
    """Bring the embedded database up to date (non-destructive scripts only), then
    re-derive what is not of this release's rules in the background (readiness does not
    wait for it, as in a deploy)."""
    run_migrate(argparse.Namespace(action="up", allow_destructive=False), settings, url)
    derive = argparse.Namespace(action="derive", batch_size=500, background=True)
    threading.Thread(
        target=_derive_quietly, args=(derive, settings, url), name="derive", daemon=True
    ).start()


def _derive_quietly(args: argparse.Namespace, settings: Settings, url: str) -> None:
    try:
        run_migrate(args, settings, url)
    except Exception:
        logger.exception("re-deriving profiles failed; run `profiles migrate derive`")


def print_token(settings: Settings, sub: str, roles: list[str], ttl: int) -> None:
    """Print a bearer token for `sub` (with the configured issuer and audience, if any)."""
    if ttl <= 0:
        raise CommandError("--ttl must be a positive number of seconds")
    if ttl > settings.jwt_max_lifetime_seconds:
        raise CommandError(
            f"--ttl {ttl} is longer than tokens may live here"
            f" (PROFILES_JWT_MAX_LIFETIME_SECONDS={settings.jwt_max_lifetime_seconds})"
        )
    print(
        issue_token(
            jwt_secret(settings),
            sub,
            roles,
            ttl,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
        )
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `profiles`; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        settings = Settings()
        configure_logging(settings.log_format, settings.log_level)
        if args.command == "serve":
            overrides = {"host": args.host or settings.host, "port": args.port or settings.port}
            serve(settings.model_copy(update=overrides))
        elif args.command == "db":
            run_database(settings, args.port)
        elif args.command == "token":
            print_token(settings, args.sub, args.role, args.ttl)
        elif args.command == "migrate":
            return migrate(settings, args)
        elif args.command == "openapi":
            write_openapi(settings, args)
        elif args.command == "flags":
            with database_url(settings) as url:
                check_database(url, settings.server_selection_timeout_ms)
                return run_flags(args, settings, url)
    except (
        CommandError,
        MissingSecretError,
        EmbeddedDatabaseError,
        MigrationError,
        FlagsError,
    ) as error:
        print(f"profiles: {error}", file=sys.stderr)
        return 1
    except ValidationError as error:
        problems = "; ".join(
            f"PROFILES_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
            for e in error.errors()
        )
        print(f"profiles: invalid setting: {problems}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


def run() -> None:
    """Console-script wrapper: exit with `main`'s code."""
    sys.exit(main())


if __name__ == "__main__":
    run()

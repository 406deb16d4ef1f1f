"""The `profiles` command: the API, its embedded database, migrations, rollout flags,
tokens."""

import argparse
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from importlib.metadata import version
from types import FrameType

from pydantic import ValidationError

from migrations.errors import MigrationError
from migrations.scripts import listed
from service.cli.database import (
    check_database,
    database_url,
    how_to_reach,
    require_database,
    run_database,
    served_database,
)
from service.cli.errors import CommandError
from service.cli.flags import FlagsError, add_flags_parser, run_flags
from service.cli.migrate import add_migrate_parser, run_migrate
from service.cli.openapi import add_openapi_parser, write_openapi
from service.cli.summary import command_summary
from service.platform.config import Settings
from service.platform.embedded import EmbeddedDatabaseError
from service.platform.logs import configure_logging
from service.platform.readiness import ExpectedMigrations
from service.platform.secrets import MissingSecretError, jwt_secret
from service.platform.tokens import issue_token
from service.platform.tracing import tracer_provider_from_environment

logger = logging.getLogger("profiles")

DESCRIPTION = """\
The profiles service's command line. Every command reads the same PROFILES_* settings
as the server; a failure is one line on stderr and a non-zero exit."""


def build_parser() -> argparse.ArgumentParser:
    """The whole command line: every command and its options (`profiles --help` lists
    them all, one line each)."""
    parser = argparse.ArgumentParser(
        prog="profiles",
        usage="%(prog)s [-h] [--version] COMMAND ...",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {version('profiles')}")
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", help=argparse.SUPPRESS, prog="profiles"
    )

    serve = commands.add_parser("serve", help="serve the API (what `make run` runs)")
    serve.add_argument("--host", help="interface to listen on (PROFILES_HOST)")
    serve.add_argument("--port", type=int, help="port to listen on (PROFILES_PORT)")

    db = commands.add_parser(
        "db",
        help="run only the embedded database and print its URL",
        description="Run only the embedded database and print its URL, then the settings"
        " that reach it from another shell. On a data directory whose database another"
        " `profiles serve` or `db` already runs, join that one (it stops with its owner).",
    )
    db.add_argument("--port", type=int, default=0, help="port (default: a free one)")

    add_migrate_parser(commands)
    add_flags_parser(commands)
    add_openapi_parser(commands)

    token = commands.add_parser(
        "token",
        help="print a bearer token signed with the server's secret (HS256; not with a JWKS URL)",
        description="Print a bearer token signed with PROFILES_JWT_SECRET or, with the"
        " embedded database, the secret the server generated in PROFILES_DATA_DIR (an error"
        " when there is none: this command never makes one). With PROFILES_JWT_JWKS_URL"
        " set, tokens come from the identity provider and this command refuses.",
    )
    token.add_argument("--sub", required=True, help="the caller's authId")
    token.add_argument("--role", action="append", default=[], help="a role, e.g. admin")
    token.add_argument("--ttl", type=int, default=3600, help="seconds until it expires")
    parser.description = f"{DESCRIPTION}\n\n{command_summary(parser)}"
    return parser


def serve(settings: Settings) -> None:
    """Serve the API until interrupted; stop the embedded database afterwards."""
    import uvicorn

    from api.app import create_app

    if not settings.jwt_jwks_url:
        jwt_secret(settings)  # fail before starting anything when the secret is missing
    # uvicorn drains on SIGTERM / SIGINT, then raises the signal again with the handlers
    # it found: SIGINT then raises KeyboardInterrupt, and SIGTERM (default: die on the
    # spot) must too unwind, so that leaving the `with` stops the embedded database
    signal.signal(signal.SIGTERM, _exit_on_signal)
    with served_database(settings) as (url, alive):
        check_database(url, settings.server_selection_timeout_ms)
        if settings.uses_embedded_database:
            data_dir, url_line = how_to_reach(settings, url)
            logger.info(
                "from another shell: `%s` (`profiles` commands join this database) or `%s`",
                data_dir,
                url_line,
            )
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


def migrate(settings: Settings, args: argparse.Namespace) -> int:
    """`profiles migrate ...` against the configured (or the embedded) database."""
    if args.action == "new":
        return run_migrate(args, settings, "")
    with database_url(settings) as url:
        # the runner refuses what needs transactions itself; status and a dry run do not
        check_database(url, settings.server_selection_timeout_ms, transactions=False)
        return run_migrate(args, settings, url)


LOCK_WAIT_SECONDS = 120.0
"""How long `profiles serve` waits for the migration lock on the embedded database (a
second `serve` joining the database may find the first one migrating)."""


def apply_pending_migrations(settings: Settings, url: str) -> None:
    """Bring the embedded database up to date (non-destructive scripts only), then
    re-derive what is not of this release's rules in the background (readiness does not
    wait for it, as in a deploy)."""
    up = argparse.Namespace(action="up", allow_destructive=False, wait=LOCK_WAIT_SECONDS)
    run_migrate(up, settings, url)
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
    """Print an HS256 bearer token for `sub` (with the configured issuer and audience, if
    any, and the roles at the configured claim path). With a JWKS URL, `CommandError`:
    tokens then come from the identity provider, and the service refuses HS256 ones."""
    if settings.jwt_jwks_url:
        raise CommandError(
            "PROFILES_JWT_JWKS_URL is set: tokens come from the identity provider, and the"
            " service refuses the HS256 tokens this command signs"
        )
    if ttl <= 0:
        raise CommandError("--ttl must be a positive number of seconds")
    if ttl > settings.jwt_max_lifetime_seconds:
        raise CommandError(
            f"--ttl {ttl} is longer than tokens may live here"
            f" (PROFILES_JWT_MAX_LIFETIME_SECONDS={settings.jwt_max_lifetime_seconds})"
        )
    print(
        issue_token(
            jwt_secret(settings, generate=False),
            sub,
            roles,
            ttl,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            roles_claim=settings.roles_claim_path,
        )
    )


def works_on_a_database(args: argparse.Namespace) -> bool:
    """Whether the command needs a database: all but `db` (which is one), `token`,
    `openapi` and `migrate new`."""
    return args.command in ("serve", "migrate", "flags") and getattr(args, "action", "") != "new"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `profiles`; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        settings = Settings()
        configure_logging(settings.log_format, settings.log_level)
        if works_on_a_database(args):
            require_database(settings)
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
    """Console-script wrapper: exit with `main`'s code. A reader that stops reading
    (`profiles migrate status | head -1`) ends the command quietly, as the Python docs
    recommend for SIGPIPE: the rest of the output goes to /dev/null, exit code 1."""
    try:
        try:
            code = main()
        finally:  # --help and --version leave through SystemExit with their text unflushed
            sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
    sys.exit(code)


if __name__ == "__main__":
    run()

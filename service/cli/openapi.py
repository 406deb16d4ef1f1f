"""`profiles openapi`: the OpenAPI document, written without a database.

The app is built and never started: its document needs its routes, not a database or
the signing secret (a throwaway one is given; nothing is signed)."""

import argparse
import secrets
import sys
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from service.platform.config import Settings

UNUSED_DATABASE = "mongodb://127.0.0.1:1"
"""The app is never started, so it never connects to this."""


def add_openapi_parser(commands: Any) -> None:
    openapi = commands.add_parser("openapi", help="write the OpenAPI document (no database needed)")
    openapi.add_argument("--output", type=Path, help="file to write (default: standard output)")


def write_openapi(settings: Settings, args: argparse.Namespace) -> None:
    """Write the document the server serves at `/schema/openapi.json`."""
    from api.app import create_app
    from api.openapi.document import contract_document, render
    from service.cli.main import expected_migrations

    offline = settings.model_copy(
        update={"mongodb_url": UNUSED_DATABASE, "jwt_secret": SecretStr(secrets.token_hex(32))}
    )
    app = create_app(offline, expected_migrations=expected_migrations())
    document = render(contract_document(app))
    if args.output is None:
        sys.stdout.buffer.write(document)
    else:
        args.output.write_bytes(document)

"""Logging: the request id of the request being handled on every line, text or JSON
lines (`PROFILES_LOG_FORMAT=text|json`), and the level (`PROFILES_LOG_LEVEL`)."""

import json
import logging
import re
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Literal, TextIO

LogFormat = Literal["text", "json"]
LogLevel = Literal["debug", "info", "warning", "error"]
LEVELS: dict[str, int] = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
}
SERVICE_LOGGER = "profiles"
"""The parent of every logger of the service (`profiles.api`, `profiles.access`, ...)."""

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
"""The id of the request this task is handling (set by the API's middleware)."""

_SAFE_ID = re.compile(r"[A-Za-z0-9._:\-]{1,100}")


def accepted_request_id(offered: str | None) -> str:
    """`offered` (a caller's `X-Request-ID`) when it is at most 100 safe characters
    (letters, digits, `.`, `_`, `:`, `-`), else a new id (uuid4, hex)."""
    if offered is not None and _SAFE_ID.fullmatch(offered):
        return offered
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Sets `record.request_id`: the current request's id, or `-` outside a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id (and the
    traceback as `exc_info` when there is one), and the line's own `fields` (passed as
    `extra={"fields": {...}}`, as the access log does) as keys of their own."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id_var.get(),  # null outside a request
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def make_handler(log_format: LogFormat, stream: TextIO | None = None) -> logging.Handler:
    """A stream handler (stderr unless `stream`) writing `log_format` lines with the
    request id."""
    handler: logging.Handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    )
    return handler


def configure_logging(log_format: str = "text", level: LogLevel = "info") -> None:
    """Send every logger's records (uvicorn's included) to one handler on the root
    logger, in `log_format` (`json`, anything else: text), from `level` up.

    `debug` reaches the service's loggers (and uvicorn's, which `profiles serve` sets),
    not the libraries': PyMongo's debug lines hold whole commands, personal data
    included. The other levels apply to every logger."""
    chosen: LogFormat = "json" if log_format.strip().lower() == "json" else "text"
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(make_handler(chosen))
    threshold = LEVELS[level]
    root.setLevel(max(threshold, logging.INFO))
    logging.getLogger(SERVICE_LOGGER).setLevel(
        threshold if threshold < logging.INFO else logging.NOTSET
    )

"""`PROFILES_LOG_LEVEL`: the service's loggers and uvicorn's from that level up; the
libraries' never below info."""

import logging
from collections.abc import Iterator

import pytest

from service.platform.config import Settings
from service.platform.logs import LogLevel, configure_logging

LOGGERS = ("", "profiles", "profiles.access", "pymongo.command")


@pytest.fixture
def restored() -> Iterator[None]:
    """The loggers' handlers and levels as they were before the test."""
    root = logging.getLogger()
    handlers = list(root.handlers)
    levels = {name: logging.getLogger(name).level for name in LOGGERS}
    try:
        yield
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in handlers:
            root.addHandler(handler)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def _enabled(name: str, level: int) -> bool:
    return logging.getLogger(name).isEnabledFor(level)


@pytest.mark.usefixtures("restored")
def test_debug_reaches_the_service_but_not_the_libraries() -> None:
    configure_logging("text", "debug")
    assert _enabled("profiles.api", logging.DEBUG)
    assert _enabled("profiles.access", logging.INFO)
    # PyMongo's debug lines hold whole commands, personal data included
    assert not _enabled("pymongo.command", logging.DEBUG)
    assert _enabled("pymongo.command", logging.INFO)


@pytest.mark.usefixtures("restored")
@pytest.mark.parametrize("level", ["warning", "error"])
def test_warning_and_error_leave_out_info_everywhere(level: LogLevel) -> None:
    configure_logging("json", level)
    assert not _enabled("profiles.access", logging.INFO)
    assert not _enabled("pymongo", logging.INFO)
    assert _enabled("profiles.api", logging.ERROR)
    assert _enabled("profiles.api", logging.WARNING) == (level == "warning")


@pytest.mark.usefixtures("restored")
def test_info_is_the_default() -> None:
    configure_logging()
    assert _enabled("profiles.access", logging.INFO)
    assert not _enabled("profiles.api", logging.DEBUG)


def test_the_setting_takes_any_case_and_refuses_other_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PROFILES_LOG_LEVEL", " Warning ")
    assert Settings().log_level == "warning"
    monkeypatch.delenv("PROFILES_LOG_LEVEL")
    assert Settings().log_level == "info"
    monkeypatch.setenv("PROFILES_LOG_LEVEL", "verbose")
    with pytest.raises(ValueError, match="log_level"):
        Settings()

"""Fixtures of the API tests that watch the commands an app sends."""

from collections.abc import Iterator

import pytest

from tests.api.deadline_helpers import CommandRecorder, command_recorder, stop_recording


@pytest.fixture
def recorder(db_name: str) -> Iterator[CommandRecorder]:
    """The commands sent to this test's database (by the app made after it)."""
    try:
        yield command_recorder(db_name)
    finally:
        stop_recording()

"""The expected failure of a command."""


class CommandError(Exception):
    """An expected failure: printed as one line on stderr, exit code 1."""

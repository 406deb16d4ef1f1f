"""Expected failures of the migration runner: each is one line for the operator."""


class MigrationError(Exception):
    """A migration cannot run or continue; the message says why and what to do."""


class LockHeldError(MigrationError):
    """Another runner holds the migration lock."""


class LockLostError(MigrationError):
    """This runner's lock was taken over (it expired): it must not write any more."""

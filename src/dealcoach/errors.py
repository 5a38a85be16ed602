"""One error hierarchy. The CLI boundary (cli/__init__.py) turns these into messages and exit codes.

Messages are written for the user: they name the file, line, field or object and, where possible,
the fix. The core raises these; it never prints and never exits.
"""

from __future__ import annotations


class DealcoachError(Exception):
    """A user-fixable problem: exit code 1, one message, no traceback."""

    exit_code = 1

    def __init__(self, message: str, *, details: list | None = None, key: str | None = None,
                 params: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        # Further lines (e.g. every validation error of a file), printed after the message: text, or
        # errors of their own (a keyed one is said in the reader's language).
        self.details = details or []
        # A message from the catalogue (error_text.keyed_error): said in the reader's language from
        # its key and values; `message` is its English. Without a key, the boundary translates the
        # English by phrases (error_text.PHRASES_ZH).
        self.key = key
        self.params = params or {}


class UsageError(DealcoachError):
    """The command line itself is wrong, or a prompt is needed without a terminal: exit code 2."""

    exit_code = 2


class InputError(DealcoachError, ValueError):
    """A typed value (amount, date, probability, enum label) that cannot be read: one line naming the
    field and what is accepted. A ValueError too, so a Pydantic validator reports it on its field."""


class PlaybookError(DealcoachError):
    """A playbook file does not load or does not validate."""


class DealFileError(DealcoachError):
    """A deal file (YAML) does not load or does not validate."""


class NotFoundError(DealcoachError):
    """A deal, playbook, person or example that does not exist."""


class AmbiguousError(DealcoachError):
    """A reference matches more than one object."""


class StoreError(DealcoachError):
    """The database cannot be opened, read or written."""


class ConflictError(StoreError):
    """A change was made on a stale copy of a deal."""

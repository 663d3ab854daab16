"""Errors the archive raises for the user: each message names the file and the problem."""

from __future__ import annotations


class CivLedgerError(Exception):
    """Base of every error a clerk may see; ``str(err)`` is the message to show (Chinese)."""


class LibraryError(CivLedgerError):
    """The folder is not a library, cannot be opened, or is of a newer version."""


class NotFoundError(CivLedgerError):
    """A period, unit, standard or document named by the user does not exist."""


class ImportAbortedError(CivLedgerError):
    """Filing stopped for a reason that concerns the whole run (full disk, cancelled)."""


class Cancelled(CivLedgerError):
    """Raised inside long work when the caller's cancel flag is set."""

    def __init__(self, message: str = "操作已取消") -> None:
        super().__init__(message)

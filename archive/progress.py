"""The one shape of long work: a plain callback for progress and a flag for cancelling.

The GUI wraps these in worker threads; the command line passes a printer or nothing. No Qt here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from archive.errors import Cancelled


@dataclass(frozen=True)
class ProgressEvent:
    """``done`` of ``total`` units of work (files or bytes, as ``unit`` says); total 0 = unknown."""

    done: int
    total: int
    message: str = ""
    unit: str = "files"


ProgressCallback = Callable[[ProgressEvent], None]


def no_progress(_event: ProgressEvent) -> None:
    """The default callback: report nothing."""


class CancelToken:
    """A thread-safe flag the UI sets and the worker polls between units of work."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()

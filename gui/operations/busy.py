"""Retrying a short unit of work when SQLite reports the database busy.

A background run (text extraction, an import) commits every few seconds. A quick edit on the UI
thread that read before such a commit and writes after it gets "database is locked" at once
(SQLite cannot wait in that case), although trying again a moment later succeeds. Every function
given here is a whole unit of work (one ``lib.session()``), so running it again is safe.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from sqlalchemy.exc import OperationalError

P = ParamSpec("P")
T = TypeVar("T")

ATTEMPTS = 6
DELAY = 0.05


def is_busy(exc: BaseException) -> bool:
    return isinstance(exc, OperationalError) and "locked" in str(exc).lower()


def retry_when_busy(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    for attempt in range(ATTEMPTS):
        try:
            return fn(*args, **kwargs)
        except OperationalError as exc:
            if not is_busy(exc) or attempt == ATTEMPTS - 1:
                raise
            time.sleep(DELAY * (attempt + 1))
    raise AssertionError("unreachable")

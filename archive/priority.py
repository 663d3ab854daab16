"""Scheduling priority for side work that should fill the time the critical path leaves over.

The export's copy loop and the indexing run's writer are each one thread that everything else
waits for; where the work is bound by the processor, helpers at the same priority (the export's
read-back and generating process, the extraction workers) take turns with it on the same cores
and stretch it out. Run below normal priority, they use what it leaves (on a 2-core PC, the
other core) and catch up once it waits. Best effort: where the system does not allow it,
nothing changes.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator

# Niceness added on POSIX (0 normal … 19 lowest): the side work gets ~1/10 of a core the copy
# loop also wants, and all of a core it does not.
NICENESS = 10
_BELOW_NORMAL_PRIORITY_CLASS = 0x00004000
_THREAD_PRIORITY_BELOW_NORMAL = -1


def lower_this_process(niceness: int = NICENESS) -> None:
    """Below normal priority for the calling process (a child generating files, a worker)."""
    if sys.platform == "win32":  # pragma: no cover - Windows only
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            kernel = ctypes.windll.kernel32  # type: ignore[attr-defined]
            kernel.SetPriorityClass(kernel.GetCurrentProcess(), _BELOW_NORMAL_PRIORITY_CLASS)
        return
    with contextlib.suppress(OSError, AttributeError):
        os.nice(niceness)


def lower_this_thread() -> None:
    """Below normal priority for the calling thread only (the read-back thread).

    Linux schedules threads as tasks with their own niceness; elsewhere on POSIX setpriority
    would lower the whole process, so it is left alone there.
    """
    if sys.platform == "win32":  # pragma: no cover - Windows only
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            kernel = ctypes.windll.kernel32  # type: ignore[attr-defined]
            kernel.SetThreadPriority(kernel.GetCurrentThread(), _THREAD_PRIORITY_BELOW_NORMAL)
        return
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            tid = threading.get_native_id()
            os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + NICENESS)


@contextlib.contextmanager
def quick_gil_handover(interval: float) -> Iterator[None]:
    """Let a thread that waits for the GIL have it after ``interval`` seconds instead of
    Python's 5 ms, while the calling thread runs Python that helper threads wait on between
    their system calls (the import's stagers, the extraction run's supervisor). Never raises
    the interval; given back afterwards unless someone else changed it meanwhile (two runs
    at once end in either order)."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(min(before, interval))
    ours = sys.getswitchinterval()  # as Python keeps it (whole microseconds)
    try:
        yield
    finally:
        if sys.getswitchinterval() == ours:
            sys.setswitchinterval(before)

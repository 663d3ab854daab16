"""Scheduling priority for the export's side work.

The copy loop is the export's critical path: where copying is bound by the processor (a fast
disk, the page cache), the read-back and the generating process would otherwise take turns with
it on the same cores and stretch it out. Run below normal priority, they fill the time the copy
leaves over (on a 2-core PC, the other core) and catch up once the copy is done. Best effort:
where the system does not allow it, nothing changes.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading

# Niceness added on POSIX (0 normal … 19 lowest): the side work gets ~1/10 of a core the copy
# loop also wants, and all of a core it does not.
NICENESS = 10
_BELOW_NORMAL_PRIORITY_CLASS = 0x00004000
_THREAD_PRIORITY_BELOW_NORMAL = -1


def lower_this_process() -> None:
    """Below normal priority for the calling process (the child generating files)."""
    if sys.platform == "win32":  # pragma: no cover - Windows only
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            kernel = ctypes.windll.kernel32  # type: ignore[attr-defined]
            kernel.SetPriorityClass(kernel.GetCurrentProcess(), _BELOW_NORMAL_PRIORITY_CLASS)
        return
    with contextlib.suppress(OSError, AttributeError):
        os.nice(NICENESS)


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

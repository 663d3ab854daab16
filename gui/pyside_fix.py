"""A work-around for a reference-count bug in PySide6 6.12.0's ``SignalInstance.emit``.

``emit()`` returns ``True`` without taking a reference for it, so every signal emitted from
Python takes one reference away from ``True``. A process that emits a few thousand signals then
dies with "Fatal Python error: bool_dealloc" — at exit (a crash report on every close on
Windows), or during a long working day. The fix gives the returned object its missing reference.

It calibrates itself: a few probe emissions show whether the installed PySide6 has the bug, so
the patch switches itself off once a fixed PySide6 is installed. Applied on ``import gui``.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance

PROBES = 16
_applied = False


class _Probe(QObject):
    fired = Signal()


def emit_leaks() -> int:
    """References of ``True`` lost per emission (0 on a healthy PySide6)."""
    probe = _Probe()
    before = sys.getrefcount(True)
    results = [probe.fired.emit() for _ in range(PROBES)]
    lost = before - sys.getrefcount(True) + len([r for r in results if r is True])
    # The probes themselves lost references too: give them back.
    for r in results:
        for _ in range(max(0, lost // PROBES)):
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(r))
    del results
    return max(0, lost // PROBES)


def apply() -> bool:
    """Patch ``SignalInstance.emit`` when the installed PySide6 needs it; True if patched."""
    global _applied
    if _applied:
        return True
    if emit_leaks() == 0:
        return False
    original = SignalInstance.emit
    incref = ctypes.pythonapi.Py_IncRef
    py_object = ctypes.py_object

    def emit(self: SignalInstance, *args: Any) -> Any:
        result = original(self, *args)
        incref(py_object(result))
        return result

    SignalInstance.emit = emit  # type: ignore[method-assign]
    _applied = True
    return True

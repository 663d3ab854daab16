"""Signals emitted from Python must not eat references to ``True`` (PySide6 6.12.0 bug)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal

import gui  # noqa: F401 - importing the package applies the fix
from gui import pyside_fix


class _Emitter(QObject):
    changed = Signal(object)
    plain = Signal()


def test_emitting_many_signals_keeps_true_alive(qapp) -> None:  # noqa: ANN001
    emitter = _Emitter()
    received: list[object] = []
    emitter.changed.connect(received.append)
    before = sys.getrefcount(True)
    for i in range(5000):
        emitter.changed.emit(i)
        emitter.plain.emit()
    # Without the fix this is -10,000 (and the process dies at exit); unrelated code may hold a
    # reference or two more meanwhile.
    assert abs(sys.getrefcount(True) - before) < 50
    assert len(received) == 5000
    assert pyside_fix.emit_leaks() == 0  # patched, or a PySide6 without the bug

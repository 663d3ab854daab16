"""Signals emitted from Python must not eat references to ``True``.

PySide6 6.12.0's ``SignalInstance.emit`` does (the process aborts with bool_dealloc after a few
thousand emits); pyproject pins a release without the bug, and this test guards that pin.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    changed = Signal(object)
    plain = Signal()


def test_emitting_many_signals_keeps_true_alive(qapp) -> None:  # noqa: ANN001
    emitter = _Emitter()
    received: list[object] = []
    emitter.changed.connect(received.append)
    before = sys.getrefcount(True)
    for i in range(500):
        emitter.changed.emit(i)
        emitter.plain.emit()
    # On the broken release this is -1,000; unrelated code may hold a reference or two meanwhile.
    assert abs(sys.getrefcount(True) - before) < 50
    assert len(received) == 500

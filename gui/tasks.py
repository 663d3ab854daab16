"""The one way the GUI runs long work: a plain function in a worker thread.

Work is written as ``fn(progress, cancel) -> result`` (the shape every long archive, indexing and
export function already has). ``TaskRunner.run`` executes it on a ``QThreadPool`` and hands back
a ``TaskHandle`` whose callbacks (success, failure, progress, finished) are always called on the
UI thread, because the handle lives there and the worker only emits signals to it. Nothing here
touches the database: workers open their own ``lib.session()`` and pass ids back, never ORM
objects (after Anki's ``CollectionOp``/``taskman``).
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from archive.progress import CancelToken, ProgressEvent

Work = Callable[[Callable[[ProgressEvent], None], CancelToken], Any]

# Progress is forwarded at most this often; an import calls back once per file.
PROGRESS_INTERVAL = 0.05


@dataclass(frozen=True)
class TaskFailure:
    """What a worker raised, with the traceback text for the "details" part of the dialog."""

    exception: BaseException
    details: str


class _Signals(QObject):
    progress = Signal(object)
    succeeded = Signal(object)
    failed = Signal(object)
    done = Signal()


class TaskHandle(QObject):
    """The UI-thread side of one running task: register callbacks, cancel, ask whether done."""

    finished = Signal()
    progressed = Signal(object)

    def __init__(self, title: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.cancel_token = CancelToken()
        self.running = True
        self.result: Any = None
        self.failure: TaskFailure | None = None
        self.last_progress: ProgressEvent | None = None
        self._on_success: list[Callable[[Any], None]] = []
        self._on_failure: list[Callable[[TaskFailure], None]] = []
        self.signals: QObject | None = None  # the worker's sender, kept alive with the handle
        self.background = False

    # -- registration (chainable, like Anki's ops) ------------------------------------------
    def success(self, fn: Callable[[Any], None]) -> TaskHandle:
        self._on_success.append(fn)
        return self

    def failure_handler(self, fn: Callable[[TaskFailure], None]) -> TaskHandle:
        self._on_failure.append(fn)
        return self

    def cancel(self) -> None:
        self.cancel_token.cancel()

    @property
    def cancelled(self) -> bool:
        return self.cancel_token.cancelled

    # -- slots the worker's signals are queued to --------------------------------------------
    @Slot(object)
    def _progress(self, event: ProgressEvent) -> None:
        self.last_progress = event
        self.progressed.emit(event)

    @Slot(object)
    def _succeeded(self, result: Any) -> None:
        self.result = result
        self.running = False  # the callbacks may ask (a wizard page's "complete")
        for fn in self._on_success:
            fn(result)

    @Slot(object)
    def _failed(self, failure: TaskFailure) -> None:
        self.failure = failure
        self.running = False
        for fn in self._on_failure:
            fn(failure)

    @Slot()
    def _done(self) -> None:
        self.running = False
        self.finished.emit()


class _Runnable(QRunnable):
    def __init__(self, fn: Work, cancel: CancelToken) -> None:
        super().__init__()
        # The pool deletes the runnable once run() has returned; the signals object it emits
        # from is kept by the handle, so queued deliveries never outlive their sender.
        self.setAutoDelete(True)
        self.fn = fn
        self.cancel = cancel
        self.signals = _Signals()
        self._last_emit = 0.0
        self._lock = threading.Lock()

    def _report(self, event: ProgressEvent) -> None:
        now = time.monotonic()
        final = event.total > 0 and event.done >= event.total
        with self._lock:
            if not final and now - self._last_emit < PROGRESS_INTERVAL:
                return
            self._last_emit = now
        self.signals.progress.emit(event)

    def run(self) -> None:
        try:
            result = self.fn(self._report, self.cancel)
        except BaseException as exc:  # noqa: BLE001 - every failure goes to the UI as a dialog
            self.signals.failed.emit(TaskFailure(exc, traceback.format_exc()))
        else:
            self.signals.succeeded.emit(result)
        finally:
            self.signals.done.emit()


class TaskRunner(QObject):
    """Owns the thread pools; keeps each task's handle until its results reached the UI thread.

    Work that writes to the library (imports, text extraction, the demo) runs ``serial``: one at
    a time on its own thread, because two SQLite writers in parallel make one of them fail
    rather than wait. Work that only reads (a check, a search, an export) runs beside it.
    """

    started = Signal(object)  # TaskHandle
    idle = Signal()

    def __init__(self, parent: QObject | None = None, max_threads: int = 2) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self.serial_pool = QThreadPool(self)
        self.serial_pool.setMaxThreadCount(1)
        self._running: set[TaskHandle] = set()

    def run(
        self,
        fn: Work,
        title: str = "",
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[TaskFailure], None] | None = None,
        serial: bool = False,
        background: bool = False,
    ) -> TaskHandle:
        """``background``: work the clerk did not ask for and need not wait for (indexing,
        badges); closing the window cancels it without asking."""
        handle = TaskHandle(title, self)
        handle.background = background
        if on_success is not None:
            handle.success(on_success)
        if on_failure is not None:
            handle.failure_handler(on_failure)
        runnable = _Runnable(fn, handle.cancel_token)
        # The signals object lives on the UI thread like the handle: queued delivery there.
        runnable.signals.progress.connect(handle._progress)
        runnable.signals.succeeded.connect(handle._succeeded)
        runnable.signals.failed.connect(handle._failed)
        runnable.signals.done.connect(handle._done)
        handle.finished.connect(lambda: self._forget(handle))
        handle.signals = runnable.signals
        self._running.add(handle)
        self.started.emit(handle)
        (self.serial_pool if serial else self.pool).start(runnable)
        return handle

    def _forget(self, handle: TaskHandle) -> None:
        self._running.discard(handle)
        # Python owns the handle from now on: it lives as long as a caller keeps it.
        handle.setParent(None)
        if not self._running:
            self.idle.emit()

    @property
    def active(self) -> list[TaskHandle]:
        return list(self._running)

    @property
    def foreground(self) -> list[TaskHandle]:
        """Running work the clerk started (an import, an export) and would lose by closing."""
        return [h for h in self._running if not h.background]

    def cancel_all(self) -> None:
        for handle in self._running:
            handle.cancel()

    def wait(self, msecs: int = 30000) -> bool:
        """Block until every worker returned (used when closing the window or a library)."""
        return self.serial_pool.waitForDone(msecs) and self.pool.waitForDone(msecs)

"""What the whole window shares: the open library, the chosen period and unit, change signals.

Views never reach into each other; they read this state and listen to its signals. A change made
anywhere (an import, an edit, a restore) is announced once with ``documents_changed`` and every
view refreshes what it shows; the archive's ``documents_changed`` hook (which the search index
follows) is then run in a worker, so indexing never blocks the window.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from sqlalchemy.orm import Session

from archive import hooks
from archive.errors import Cancelled, LibraryError
from archive.library import Library
from gui.queries.documents import Choice, period_choices, unit_choices
from gui.tasks import TaskHandle, TaskRunner


def module_available(name: str) -> bool:
    """Capabilities other packages add (search, check, export) are wired in when present."""
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def _pipeline():  # noqa: ANN202 - the optional indexing.pipeline module
    if not module_available("indexing.pipeline"):
        return None
    import importlib

    return importlib.import_module("indexing.pipeline")


class AppState(QObject):
    libraryChanged = Signal()  # a library was opened or closed
    frameworkChanged = Signal()  # the indicator tree changed (framework import)
    filterChanged = Signal()  # period or unit filter
    documentsChanged = Signal(list)  # ids of documents added, edited, deleted or restored
    documentsProcessed = Signal(list)  # the hooks (text extraction, index) finished for ids
    periodsChanged = Signal()
    status = Signal(str)  # a line for the status bar
    backgroundStarted = Signal(object)  # TaskHandle of background work (indexing)

    def __init__(self, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.lib: Library | None = None
        self.period_id: int | None = None
        self.period_label: str | None = None
        self.unit_id: int | None = None
        self.periods: list[tuple[int, str]] = []
        self.units: list[Choice] = []
        self._queued: set[int] = set()
        self._catch_up = False
        self._index_task: TaskHandle | None = None
        self._index_ids: list[int] = []
        self.background_indexing = True  # off in benchmarks that time the window alone

    # -- the library ----------------------------------------------------------------------------
    @property
    def has_library(self) -> bool:
        return self.lib is not None

    def library(self) -> Library:
        if self.lib is None:
            raise LibraryError("尚未打开资料库。请先新建或打开一个资料库。")
        return self.lib

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A read-only session for the UI thread: it never waits for a background writer."""
        with self.library().read_session() as s:
            yield s

    def set_library(self, lib: Library | None) -> None:
        """Switch to ``lib`` (the caller opened it; this object closes the previous one)."""
        if self.lib is not None and self.lib is not lib:
            self.runner.cancel_all()
            self.runner.wait()
            self.lib.close()
        self.lib = lib
        self.unit_id = None
        self._queued.clear()
        self._load_choices(keep_period=False)
        self.libraryChanged.emit()
        if lib is not None and self.background_indexing and _pipeline() is not None:
            self.catch_up()

    def open_library(self, path: Path) -> Library:
        lib = Library.open(path)
        self.set_library(lib)
        return lib

    def close_library(self) -> None:
        self.set_library(None)

    def _load_choices(self, keep_period: bool) -> None:
        if self.lib is None:
            self.periods, self.units = [], []
            self.period_id = self.period_label = None
            return
        with self.lib.read_session() as s:
            self.periods = [(pid, label) for pid, label, _s, _e in period_choices(s)]
            self.units = unit_choices(s)
        ids = {pid for pid, _ in self.periods}
        if not (keep_period and self.period_id in ids):
            # The newest period is the one a clerk is filling in.
            self.period_id, self.period_label = self.periods[-1] if self.periods else (None, None)
        if self.unit_id is not None and self.unit_id not in {u.id for u in self.units}:
            self.unit_id = None

    def reload_choices(self) -> None:
        """Periods or units were added (an import may create a year; a framework adds units)."""
        before = (self.period_id, list(self.periods), [u.id for u in self.units])
        self._load_choices(keep_period=True)
        if (self.period_id, self.periods, [u.id for u in self.units]) != before:
            self.periodsChanged.emit()

    # -- filters --------------------------------------------------------------------------------
    def set_period(self, period_id: int | None) -> None:
        if period_id == self.period_id:
            return
        self.period_id = period_id
        self.period_label = next((lb for pid, lb in self.periods if pid == period_id), None)
        self.filterChanged.emit()

    def set_unit(self, unit_id: int | None) -> None:
        if unit_id == self.unit_id:
            return
        self.unit_id = unit_id
        self.filterChanged.emit()

    @property
    def unit_name(self) -> str | None:
        return next((u.label for u in self.units if u.id == self.unit_id), None)

    def import_period(self) -> str:
        """The period an import files into: the selected one, else the current year."""
        if self.period_label:
            return self.period_label
        import datetime as dt

        return str(dt.date.today().year)

    # -- changes --------------------------------------------------------------------------------
    def documents_changed(self, ids: list[int], run_hooks: bool = True) -> None:
        """Announce changed documents to the views, then to the archive's hook subscribers."""
        self.reload_choices()
        self.documentsChanged.emit(list(ids))
        if run_hooks and ids and self.lib is not None and self.background_indexing:
            self.run_hooks(ids)

    def run_hooks(self, ids: list[int]) -> TaskHandle | None:
        """Extract text and index ``ids`` in the background, one run at a time.

        With the indexing package present its ``process_documents`` is called directly (so the
        status bar can show progress); otherwise the archive's hook is fired for whoever
        subscribed. Ids arriving while a run is going are queued for the next run.
        """
        self._queued.update(ids)
        if self._index_task is not None and self._index_task.running:
            return self._index_task
        return self._start_background()

    def catch_up(self) -> TaskHandle | None:
        """After opening a library: finish extraction an earlier session left pending and
        rebuild a missing or stale index (in the background)."""
        self._catch_up = True
        if self._index_task is not None and self._index_task.running:
            return self._index_task
        return self._start_background()

    def _start_background(self) -> TaskHandle | None:
        if self.lib is None or not (self._queued or self._catch_up):
            return None
        lib, ids, catch_up = self.lib, sorted(self._queued), self._catch_up
        self._queued.clear()
        self._catch_up = False
        pipeline = _pipeline()

        def work(progress, cancel) -> list[int]:  # noqa: ANN001
            if pipeline is None:
                hooks.documents_changed(lib, ids)
                return ids
            if catch_up:
                pipeline.extract_pending(lib, progress, cancel)
            if ids:
                pipeline.process_documents(lib, ids, progress, cancel)
            return ids

        title = "提取文字、更新检索索引"
        self.status.emit(f"正在后台{title}……")
        handle = self.runner.run(work, title, serial=True, background=True)
        self._index_ids = ids
        handle.success(self._hooks_done)
        handle.failure_handler(lambda f: None if isinstance(f.exception, Cancelled) else
                               self.status.emit(f"{title}未完成：{f.exception}"))
        handle.finished.connect(self._start_background)
        self._index_task = handle
        self.backgroundStarted.emit(handle)
        return handle

    def yield_background(self) -> None:
        """Stop background extraction so that an import the clerk started runs at once; what
        it had not finished is done again afterwards."""
        task = self._index_task
        if task is not None and task.running:
            self._queued.update(self._index_ids)
            self._catch_up = True
            task.cancel()

    def _hooks_done(self, ids: list[int]) -> None:
        self.status.emit("文字提取和检索索引已更新。")
        self.documentsProcessed.emit(ids)

    def framework_changed(self) -> None:
        self.reload_choices()
        self.frameworkChanged.emit()

"""Left pane: the indicator tree. Selecting a node lists its documents; dropping files on a
standard files them there."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeView, QVBoxLayout, QWidget

from gui.itemmodels.indicator_tree import (
    COL_COUNT,
    COL_STATUS,
    COL_TITLE,
    NODE_ALL,
    NODE_INDICATOR,
    NODE_UNASSIGNED,
    CodeRole,
    IndicatorIdRole,
    IndicatorTreeModel,
    IsStandardRole,
    NodeKindRole,
)
from gui.queries.documents import DocumentScope
from gui.queries.status import node_statuses
from gui.queries.tree import TreeCounts, document_counts, indicator_nodes
from gui.state import AppState
from gui.tasks import TaskHandle
from gui.views.urls import dropped_paths

STATUS_DELAY_MS = 200


class IndicatorTreeView(QTreeView):
    """A tree that takes files from Explorer: on a standard, or anywhere else (folder import)."""

    filesDroppedOnStandard = Signal(int, str, list)  # indicator id, code, paths
    filesDropped = Signal(list)  # paths, to be mapped by folder names

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)

    def _standard_at(self, event: QDropEvent | QDragMoveEvent) -> QModelIndex:
        index = self.indexAt(event.position().toPoint())
        if index.isValid() and index.data(IsStandardRole):
            return index.siblingAtColumn(COL_TITLE)
        return QModelIndex()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802
        if not event.mimeData().hasUrls():
            super().dragMoveEvent(event)
            return
        index = self._standard_at(event)
        if index.isValid():
            self.setCurrentIndex(index)
        event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        paths = dropped_paths(event.mimeData())
        if not paths:
            super().dropEvent(event)
            return
        index = self._standard_at(event)
        event.acceptProposedAction()
        if index.isValid():
            self.filesDroppedOnStandard.emit(int(index.data(IndicatorIdRole)),
                                             str(index.data(CodeRole)), paths)
        else:
            self.filesDropped.emit(paths)


class IndicatorTreePanel(QWidget):
    scopeSelected = Signal(object)  # DocumentScope (without period/unit: the list adds them)
    statusesReady = Signal()  # the completion badges were updated

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self._nodes: list = []
        self._statuses: dict[int, str] = {}
        self._generation = 0
        self._counts: TreeCounts | None = None
        self._status_task: TaskHandle | None = None
        self._status_timer = QTimer(self)
        self._status_timer.setSingleShot(True)
        self._status_timer.setInterval(STATUS_DELAY_MS)
        self._status_timer.timeout.connect(self._start_statuses)
        self.model = IndicatorTreeModel(self)
        self.view = IndicatorTreeView(self)
        self.view.setObjectName("indicatorTree")
        self.view.setModel(self.model)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(False)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_COUNT, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_STATUS, QHeaderView.ResizeMode.ResizeToContents)
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        state.libraryChanged.connect(self.reload)
        state.frameworkChanged.connect(self.reload)
        state.filterChanged.connect(self._filter_changed)
        state.documentsChanged.connect(self.refresh_counts)
        state.documentsProcessed.connect(self.refresh_counts)

    # -- loading --------------------------------------------------------------------------------
    def reload(self) -> None:
        """A new library or framework: rebuild the tree, open the blocks, select 全部资料."""
        if not self.state.has_library:
            self._nodes = []
            self.model.load([])
            return
        self._statuses = {}
        with self.state.session() as s:
            self._nodes = indicator_nodes(s)
            self._counts = document_counts(s, self._nodes, self.state.period_id,
                                           self.state.unit_id)
        self.model.load(self._nodes, self._counts, self._statuses)
        for row in range(self.model.rowCount()):
            self.view.expand(self.model.index(row, 0))
        self.select_kind(NODE_ALL)
        self._refresh_statuses()

    def _filter_changed(self) -> None:
        self._statuses = {}  # another period's badges would mislead until the new ones come
        self.refresh_counts()

    def refresh_counts(self, *_args: object) -> None:
        """Counts at once (one query); badges when the check, run in a worker, has decided."""
        if not self.state.has_library:
            return
        with self.state.session() as s:
            self._counts = document_counts(s, self._nodes, self.state.period_id,
                                           self.state.unit_id)
        self.model.update_counts(self._counts, self._statuses)
        self._refresh_statuses()

    def _refresh_statuses(self) -> None:
        """Several changes in a row (an import, then its indexing) are counted once."""
        self._status_timer.start()

    def _start_statuses(self) -> TaskHandle | None:
        """The completion badges come from the check, which reads the whole period: on 50,000
        documents that takes a second or more, so it never runs on the UI thread."""
        period = self.state.period_label
        if period is None or not self.state.has_library:
            self._statuses = {}
            return None
        lib = self.state.library()
        generation = self._generation = self._generation + 1

        def work(_progress, _cancel) -> dict[int, str]:  # noqa: ANN001
            with lib.session() as s:
                return node_statuses(s, period)

        handle = self.state.runner.run(work, "计算完成情况", background=True)
        handle.success(lambda statuses: self._statuses_ready(generation, statuses))
        self._status_task = handle
        return handle

    def _statuses_ready(self, generation: int, statuses: dict[int, str]) -> None:
        if generation != self._generation:
            return  # a newer change is being counted
        self._statuses = statuses
        self.model.update_counts(self._counts, statuses)
        self.statusesReady.emit()

    # -- selection --------------------------------------------------------------------------------
    def select_indicator(self, indicator_id: int) -> bool:
        index = self.model.index_for_indicator(indicator_id)
        if not index.isValid():
            return False
        self.view.scrollTo(index)
        self.view.setCurrentIndex(index)
        return True

    def select_kind(self, kind: str) -> None:
        index = self.model.index_for_kind(kind)
        if index.isValid():
            self.view.setCurrentIndex(index)

    def current_scope(self) -> DocumentScope:
        return self._scope_for(self.view.currentIndex())

    def current_standard(self) -> tuple[int, str] | None:
        index = self.view.currentIndex()
        if index.isValid() and index.data(IsStandardRole):
            return int(index.data(IndicatorIdRole)), str(index.data(CodeRole))
        return None

    @staticmethod
    def _scope_for(index: QModelIndex) -> DocumentScope:
        kind = index.data(NodeKindRole) if index.isValid() else NODE_ALL
        if kind == NODE_UNASSIGNED:
            return DocumentScope(unassigned=True)
        if kind == NODE_INDICATOR:
            return DocumentScope(indicator_id=int(index.data(IndicatorIdRole)))
        return DocumentScope()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.scopeSelected.emit(self._scope_for(current))

    def node_title(self) -> str:
        index = self.view.currentIndex()
        return str(index.siblingAtColumn(COL_TITLE).data()) if index.isValid() else "全部资料"

    def drop_paths(self, paths: list[Path], indicator_id: int | None = None) -> None:
        """What a drop does, callable directly (tests, the 导入 menu with a standard selected)."""
        if indicator_id is None:
            self.view.filesDropped.emit(paths)
            return
        index = self.model.index_for_indicator(indicator_id)
        self.view.filesDroppedOnStandard.emit(indicator_id, str(index.data(CodeRole)), paths)

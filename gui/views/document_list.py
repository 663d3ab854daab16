"""Centre pane: the documents of the selected node, sortable and filterable, lazily loaded."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QItemSelection, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gui.itemmodels.document_table import (
    COL_AUTHOR,
    COL_DATE,
    COL_KIND,
    COL_NUMBER,
    COL_STANDARDS,
    COL_STATUS,
    COL_TITLE,
    COL_UNIT,
    DocumentIdRole,
    DocumentTableModel,
)
from gui.queries.documents import DocumentScope
from gui.state import AppState

FILTER_DELAY_MS = 250


class DocumentListPanel(QWidget):
    documentSelected = Signal(object)  # document id or None
    documentActivated = Signal(int)  # double-click / Enter: open the file
    deleteRequested = Signal(list)  # ids

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self._node_scope = DocumentScope()
        self.model = DocumentTableModel(state.session, self)
        self.heading = QLabel("全部资料")
        self.heading.setObjectName("listHeading")
        self.heading.setStyleSheet("font-weight: bold; font-size: 11pt")
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.count = QLabel("")
        self.filter = QLineEdit()
        self.filter.setObjectName("documentFilter")
        self.filter.setPlaceholderText("筛选：题名、文号、责任者、来源路径")
        self.filter.setClearButtonEnabled(True)
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self._apply_filter)
        self.filter.textChanged.connect(lambda _t: self._filter_timer.start())
        self.table = QTableView(self)
        self.table.setObjectName("documentTable")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        vheader = self.table.verticalHeader()
        # Fixed row heights: the view never measures 100,000 rows.
        vheader.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vheader.setDefaultSectionSize(self.fontMetrics().height() + 8)
        vheader.setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(40)
        for col, width in ((COL_NUMBER, 104), (COL_DATE, 82), (COL_AUTHOR, 90),
                           (COL_UNIT, 88), (COL_STANDARDS, 66), (COL_KIND, 70),
                           (COL_STATUS, 54)):
            header.resizeSection(col, width)
        # Less used columns start hidden; the header's context menu shows them.
        for col in (COL_AUTHOR, COL_KIND):
            header.setSectionHidden(col, True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        self.table.doubleClicked.connect(self._activated)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.delete_action = QAction("移入回收站", self)
        self.delete_action.setShortcut(QKeySequence.StandardKey.Delete)
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.delete_action.triggered.connect(self._delete_selected)
        self.table.addAction(self.delete_action)
        self.model.reloaded.connect(self._update_count)
        self.model.rowsInserted.connect(lambda *_: self._update_count())

        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.filter)
        layout.addWidget(self.table)

        state.libraryChanged.connect(self._library_changed)
        state.filterChanged.connect(self.reload)
        state.documentsChanged.connect(self._documents_changed)
        state.documentsProcessed.connect(self._documents_processed)

    # -- scope ------------------------------------------------------------------------------
    def _library_changed(self) -> None:
        # The tree selects a node on its own libraryChanged, which reloads this list.
        if not self.state.has_library:
            self.model.clear()

    def show_scope(self, scope: DocumentScope, heading: str) -> None:
        self._node_scope = scope
        self.heading.setText(heading)
        self.reload()

    def _full_scope(self) -> DocumentScope:
        return replace(self._node_scope, period_id=self.state.period_id,
                       unit_id=self.state.unit_id, text=self.filter.text())

    def reload(self, keep_selection: bool = True) -> None:
        if not self.state.has_library:
            return
        selected = self.selected_ids() if keep_selection else []
        self.model.set_scope(self._full_scope())
        self._reselect(selected)

    def _apply_filter(self) -> None:
        self.reload()

    def _reselect(self, ids: list[int]) -> None:
        row = self.model.row_of(ids[0]) if ids else None
        if row is None:
            self.documentSelected.emit(None)
            return
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))

    def _documents_changed(self, ids: list[int]) -> None:
        # An edit or import may move documents in or out of this node: read the ids again.
        self.reload()
        self.model.refresh_documents(ids)

    def _documents_processed(self, ids: list[int]) -> None:
        self.model.refresh_documents(ids)

    def _update_count(self) -> None:
        total = self.model.total
        self.count.setText(f"共 {total} 件")

    # -- selection --------------------------------------------------------------------------
    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [doc_id for r in rows if (doc_id := self.model.document_id(r)) is not None]

    def select_document(self, doc_id: int) -> bool:
        row = self.model.row_of(doc_id)
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def select_first(self) -> None:
        if self.model.rowCount() > 0:
            self.table.selectRow(0)

    def _selection_changed(self, _sel: QItemSelection, _desel: QItemSelection) -> None:
        index = self.table.currentIndex()
        ids = self.selected_ids()
        if index.isValid() and self.model.document_id(index.row()) in ids:
            self.documentSelected.emit(self.model.document_id(index.row()))
        else:
            self.documentSelected.emit(ids[0] if ids else None)

    def _activated(self, index: QModelIndex) -> None:
        doc_id = index.data(DocumentIdRole)
        if doc_id is not None:
            self.documentActivated.emit(int(doc_id))

    def _delete_selected(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.deleteRequested.emit(ids)

    def _header_menu(self, pos: QPoint) -> None:
        header = self.table.horizontalHeader()
        menu = QMenu(self)
        for col in range(self.model.columnCount()):
            if col == COL_TITLE:
                continue
            action = menu.addAction(str(self.model.headerData(col, Qt.Orientation.Horizontal)))
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(col))
            action.toggled.connect(lambda on, c=col: header.setSectionHidden(c, not on))
        menu.popup(header.mapToGlobal(pos))

    def _context_menu(self, pos: QPoint) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        menu = QMenu(self)
        open_action = menu.addAction("用 Windows 程序打开")
        open_action.triggered.connect(lambda: self.documentActivated.emit(ids[0]))
        menu.addSeparator()
        menu.addAction(self.delete_action)
        menu.popup(self.table.viewport().mapToGlobal(pos))

"""The documents of the selected node: ids loaded at once, rows fetched a page at a time.

Loading the ids of 100,000 documents is one cheap query; the rows behind them (title, unit,
standards…) are read only for the pages the view actually paints, and the view is offered rows in
batches through ``canFetchMore``/``fetchMore``. Sorting and the text filter are done by the
database, not by a proxy model over every row (after Anki's browser table).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from sqlalchemy.orm import Session

from gui.queries.documents import DocumentRow, DocumentScope, document_ids, document_rows

COL_TITLE = 0
COL_NUMBER = 1
COL_DATE = 2
COL_AUTHOR = 3
COL_UNIT = 4
COL_STANDARDS = 5
COL_KIND = 6
COL_STATUS = 7
HEADERS = ("题名", "文号", "日期", "责任者", "单位", "测评标准", "类型", "文字")
SORT_KEYS = ("title", "doc_number", "doc_date", "author", "unit", None, "kind", "status")

DocumentIdRole = Qt.ItemDataRole.UserRole + 1
RowRole = Qt.ItemDataRole.UserRole + 2

KIND_LABELS = {"document": "文档", "photo": "照片", "video": "视频", "table": "表格"}
STATUS_LABELS = {"pending": "待提取", "ok": "已提取", "empty": "空文件", "corrupt": "已损坏",
                 "encrypted": "已加密", "no_text": "无文字层", "unsupported": "不支持"}
PROBLEM_STATUSES = {"empty", "corrupt", "encrypted", "no_text"}

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_ID = int(DocumentIdRole)
_ROW = int(RowRole)
_ROLES = frozenset({_DISPLAY, _TOOLTIP, _FOREGROUND, _ID, _ROW})

FETCH_BATCH = 2000  # rows offered to the view per fetchMore
PAGE = 200  # rows read from the database per query
MAX_PAGES = 100  # pages kept in memory (20,000 rows)

_PROBLEM_COLOUR = QColor("#c0392b")
_ROW_FLAGS = (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
              | Qt.ItemFlag.ItemNeverHasChildren)

SessionFactory = Callable[[], AbstractContextManager[Session]]
Index = QModelIndex | QPersistentModelIndex


class DocumentTableModel(QAbstractTableModel):
    reloaded = Signal()

    def __init__(self, sessions: SessionFactory | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._sessions = sessions
        self.scope = DocumentScope()
        self._ids: list[int] = []
        self._exposed = 0
        self._pages: OrderedDict[int, dict[int, DocumentRow]] = OrderedDict()
        self._sort = "id"
        self._descending = False
        self._active = False  # a scope was set: sorting reads the database again

    # -- what to show -------------------------------------------------------------------------
    def clear(self) -> None:
        """Show nothing (no library open)."""
        self.beginResetModel()
        self.scope = DocumentScope()
        self._active = False
        self._ids, self._exposed = [], 0
        self._pages.clear()
        self.endResetModel()
        self.reloaded.emit()

    def set_scope(self, scope: DocumentScope) -> None:
        self.scope = scope
        self._active = True
        self.reload()

    def set_text_filter(self, text: str) -> None:
        if text != self.scope.text:
            self.set_scope(replace(self.scope, text=text))

    def reload(self) -> None:
        """Read the ids again (after an import, a delete, a new sort); rows are re-read lazily."""
        exposed = self._exposed
        self.beginResetModel()
        if self._sessions is None:
            self._ids = []
        else:
            with self._sessions() as s:
                self._ids = document_ids(s, self.scope, self._sort, self._descending)
        self._exposed = min(len(self._ids), max(FETCH_BATCH, exposed))
        self._pages.clear()
        self.endResetModel()
        self.reloaded.emit()

    def refresh_documents(self, ids: list[int]) -> None:
        """Forget the cached rows of ``ids`` so edited titles and links show at once."""
        wanted = set(ids)
        for page, rows in list(self._pages.items()):
            if wanted & rows.keys():
                del self._pages[page]
        for row in self.rows_of(ids):
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))

    # -- lookups ------------------------------------------------------------------------------
    @property
    def total(self) -> int:
        return len(self._ids)

    def document_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < self._exposed else None

    def rows_of(self, ids: list[int]) -> list[int]:
        wanted = set(ids)
        return [row for row, doc_id in enumerate(self._ids[: self._exposed]) if doc_id in wanted]

    def row_of(self, doc_id: int) -> int | None:
        """The row showing ``doc_id``, offering more rows to the view if it lies further down."""
        try:
            row = self._ids.index(doc_id)
        except ValueError:
            return None
        if row >= self._exposed:
            self.beginInsertRows(QModelIndex(), self._exposed, row)
            self._exposed = row + 1
            self.endInsertRows()
        return row

    def row_data(self, row: int) -> DocumentRow | None:
        if not 0 <= row < self._exposed:
            return None
        page = row // PAGE
        rows = self._pages.get(page)
        if rows is None:
            rows = self._load_page(page)
        else:
            self._pages.move_to_end(page)
        return rows.get(self._ids[row])

    def _load_page(self, page: int) -> dict[int, DocumentRow]:
        ids = self._ids[page * PAGE:(page + 1) * PAGE]
        rows: dict[int, DocumentRow] = {}
        if self._sessions is not None and ids:
            with self._sessions() as s:
                rows = document_rows(s, ids)
        self._pages[page] = rows
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        return rows

    # -- lazy population ----------------------------------------------------------------------
    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and self._exposed < len(self._ids)

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008, N802
        if parent.isValid():
            return
        more = min(FETCH_BATCH, len(self._ids) - self._exposed)
        if more <= 0:
            return
        self.beginInsertRows(QModelIndex(), self._exposed, self._exposed + more - 1)
        self._exposed += more
        self.endInsertRows()

    # -- QAbstractTableModel ------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self._exposed

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return HEADERS[section] if 0 <= section < len(HEADERS) else None
        return str(section + 1)

    def flags(self, index: Index) -> Qt.ItemFlag:
        return _ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # The view asks a dozen roles per cell on every paint: answer the unused ones first.
        if role not in _ROLES:
            return None
        row_no = index.row()
        if not 0 <= row_no < self._exposed:
            return None
        if role == _ID:
            return self._ids[row_no]
        row = self.row_data(row_no)
        if row is None:
            return None
        if role == _DISPLAY:
            return self._display(row, index.column())
        if role == _ROW:
            return row
        col = index.column()
        if role == _FOREGROUND:
            if (col == COL_STATUS and row.status in PROBLEM_STATUSES) or (
                    col == COL_STANDARDS and not row.standards):
                return _PROBLEM_COLOUR
            return None
        if col == COL_TITLE:  # tool tip
            return f"{row.title}\n来源：{row.source_path}"
        return None

    @staticmethod
    def _display(row: DocumentRow, col: int) -> str:
        if col == COL_TITLE:
            return row.title
        if col == COL_NUMBER:
            return row.doc_number
        if col == COL_DATE:
            return row.doc_date.isoformat() if row.doc_date else ""
        if col == COL_AUTHOR:
            return row.author
        if col == COL_UNIT:
            return row.unit
        if col == COL_STANDARDS:
            return row.standards or "未归类"
        if col == COL_KIND:
            kind = KIND_LABELS.get(row.kind, row.kind)
            return f"{kind}·{row.ext}" if row.ext else kind
        if col == COL_STATUS:
            return STATUS_LABELS.get(row.status, row.status)
        return ""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = SORT_KEYS[column] if 0 <= column < len(SORT_KEYS) else None
        self._sort = key or "id"
        self._descending = order == Qt.SortOrder.DescendingOrder
        if self._active:
            self.reload()

"""The dashboard's lists: standards that are not complete, and quality findings.

Both are built from one ``CheckReport`` (already computed in a worker); rows keep the ids the
window needs to jump to the standard or the document.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from archive.check import COMPLETE, CheckReport, Finding, StandardResult, lacking_text
from archive.models import ROLE_LEAD
from gui.itemmodels.badges import status_colour, status_icon, status_label

Index = QModelIndex | QPersistentModelIndex
IndicatorIdRole = Qt.ItemDataRole.UserRole + 1
DocumentIdRole = Qt.ItemDataRole.UserRole + 2
FindingRole = Qt.ItemDataRole.UserRole + 3

S_CODE, S_TITLE, S_STATUS, S_LACKING, S_LEAD = range(5)
STANDARD_HEADERS = ("编号", "测评标准", "状态", "缺少的资料", "牵头单位")

F_KIND, F_TITLE, F_MESSAGE, F_UNIT, F_STATE = range(5)
FINDING_HEADERS = ("问题", "题名", "说明", "单位", "处理")


class _ListModel(QAbstractTableModel):
    headers: tuple[str, ...] = ()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self.headers)):
            return self.headers[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemNeverHasChildren)

    rows: list[Any]


class OpenStandardsModel(_ListModel):
    """Standards of the period that are partial or missing, worst first."""

    headers = STANDARD_HEADERS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[StandardResult] = []
        self._lead: dict[int, str] = {}

    def load(self, report: CheckReport | None) -> None:
        self.beginResetModel()
        if report is None:
            self.rows, self._lead = [], {}
        else:
            order = {"missing": 0, "partial": 1}
            self.rows = sorted((s for s in report.standards if s.status != COMPLETE),
                               key=lambda s: order.get(s.status, 2))
            self._lead = {sid: "、".join(roles.get(ROLE_LEAD, []))
                          for sid, roles in report.units_of.items()}
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        s = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (s.code, s.title, status_label(s.status), lacking_text(s),
                    self._lead.get(s.id, ""))[col]
        if role == Qt.ItemDataRole.ToolTipRole and col in (S_TITLE, S_LACKING):
            return f"{s.code} {s.title}\n缺少：{lacking_text(s)}"
        if role == Qt.ItemDataRole.DecorationRole and col == S_STATUS:
            return status_icon(s.status)
        if role == Qt.ItemDataRole.ForegroundRole and col == S_STATUS:
            return status_colour(s.status)
        if role == IndicatorIdRole:
            return s.id
        return None


class FindingsModel(_ListModel):
    """Quality findings, open ones first; accepted ones stay listed in grey."""

    headers = FINDING_HEADERS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[Finding] = []

    def load(self, report: CheckReport | None) -> None:
        self.beginResetModel()
        self.rows = sorted(report.findings, key=lambda f: f.accepted) if report else []
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        f = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            state = f"已接受：{f.reason}" if f.accepted else "待处理"
            return (f.kind_label, f.title or f.source_path, f.message, f.unit, state)[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{f.kind_label}：{f.message}\n{f.source_path}"
        if role == Qt.ItemDataRole.ForegroundRole and f.accepted:
            return QColor("#999999")
        if role == DocumentIdRole:
            return f.document_id
        if role == FindingRole:
            return f
        return None

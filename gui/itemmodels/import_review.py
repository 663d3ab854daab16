"""The rows of an import's review: every input file, where it went, and where it should go.

Filed and unassigned rows can be given another standard (``setData`` on the 测评标准 column with
an indicator id); duplicates and refusals are shown with their reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from archive.importer import ImportResult

COL_CATEGORY = 0
COL_SOURCE = 1
COL_STANDARD = 2
COL_NOTE = 3
HEADERS = ("结果", "来源文件", "测评标准", "说明")

FILED = "filed"
UNASSIGNED = "unassigned"
DUPLICATE = "duplicate"
REFUSED = "refused"
CATEGORY_LABELS = {FILED: "已归档", UNASSIGNED: "未归类", DUPLICATE: "重复", REFUSED: "拒收"}
CATEGORY_COLOURS = {UNASSIGNED: "#b9770e", DUPLICATE: "#7f8c8d", REFUSED: "#c0392b"}

CategoryRole = Qt.ItemDataRole.UserRole + 1
DocumentIdRole = Qt.ItemDataRole.UserRole + 2
IndicatorIdRole = Qt.ItemDataRole.UserRole + 3

Index = QModelIndex | QPersistentModelIndex


@dataclass
class ReviewRow:
    category: str
    source_path: str
    document_id: int | None
    codes: list[str]  # standards as imported
    original: list[int]  # their indicator ids
    note: str
    chosen: int | None = None  # indicator id picked in the review


class ImportReviewModel(QAbstractTableModel):
    def __init__(self, result: ImportResult, standards: dict[int, str],
                 code_ids: dict[str, int], parent: Any = None) -> None:
        """``standards``: indicator id → "code title"; ``code_ids``: code → indicator id."""
        super().__init__(parent)
        self.standards = standards
        self.rows: list[ReviewRow] = []
        for category, entries in ((UNASSIGNED, result.unassigned), (FILED, result.filed),
                                  (DUPLICATE, result.duplicates), (REFUSED, result.refused)):
            for e in entries:
                codes = list(e.get("standards") or [])
                note = e.get("reason", "")
                if category == DUPLICATE:
                    note = "资料库中已有相同内容" + (f"（归在 {'、'.join(codes)}）" if codes else "")
                elif category == FILED and not e.get("new", True):
                    note = "内容已在库中，本次补充归到此标准"
                self.rows.append(ReviewRow(category, e["source_path"], e.get("document_id"),
                                           codes, [code_ids[c] for c in codes if c in code_ids],
                                           note))

    def changes(self) -> dict[int, tuple[list[int], list[int]]]:
        """Document id → (unlink, link) for every row whose standard the clerk changed."""
        out: dict[int, tuple[list[int], list[int]]] = {}
        for r in self.rows:
            if r.document_id is None or r.chosen is None or r.chosen in r.original:
                continue
            unlink, link = out.setdefault(r.document_id, ([], []))
            unlink.extend(i for i in r.original if i not in unlink)
            if r.chosen not in link:
                link.append(r.chosen)
        return out

    def count(self, category: str) -> int:
        return sum(1 for r in self.rows if r.category == category)

    def assign_all_unassigned(self, indicator_id: int) -> None:
        for row, r in enumerate(self.rows):
            if r.category == UNASSIGNED:
                r.chosen = indicator_id
                idx = self.index(row, COL_STANDARD)
                self.dataChanged.emit(idx, idx)

    # -- QAbstractTableModel ------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(HEADERS)):
            return HEADERS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                 | Qt.ItemFlag.ItemNeverHasChildren)
        r = self.rows[index.row()]
        if index.column() == COL_STANDARD and r.category in (FILED, UNASSIGNED):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        r = self.rows[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if col == COL_CATEGORY:
                return CATEGORY_LABELS[r.category]
            if col == COL_SOURCE:
                return r.source_path
            if col == COL_STANDARD:
                if r.chosen is not None and r.chosen not in r.original:
                    return f"→ {self.standards.get(r.chosen, r.chosen)}"
                if r.category == UNASSIGNED:
                    return "（双击选择测评标准）" if role == Qt.ItemDataRole.DisplayRole else None
                return "、".join(r.codes)
            if col == COL_NOTE:
                return r.note
        if role == Qt.ItemDataRole.EditRole and col == COL_STANDARD:
            return r.chosen if r.chosen is not None else (r.original[0] if r.original else None)
        if role == Qt.ItemDataRole.ForegroundRole and col == COL_CATEGORY:
            colour = CATEGORY_COLOURS.get(r.category)
            return QColor(colour) if colour else None
        if role == CategoryRole:
            return r.category
        if role == DocumentIdRole:
            return r.document_id
        if role == IndicatorIdRole:
            return r.chosen
        return None

    def setData(self, index: Index, value: Any,  # noqa: N802
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (not index.isValid() or role != Qt.ItemDataRole.EditRole
                or not self.flags(index) & Qt.ItemFlag.ItemIsEditable):
            return False
        if value is not None and int(value) not in self.standards:
            return False
        self.rows[index.row()].chosen = None if value is None else int(value)
        self.dataChanged.emit(index, index)
        return True

"""The indicator tree (版块 → … → 测评标准) with a completion badge and a count on every node.

Two extra top rows give the whole ledger (全部资料) and what is filed nowhere (未归类). Nodes
are kept in a flat list and addressed by their position in it (``internalId``), so no Python
object has to stay alive behind a raw pointer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt

from gui.itemmodels.badges import status_icon, status_label
from gui.queries.tree import IndicatorNode, TreeCounts

COL_TITLE = 0
COL_COUNT = 1
COL_STATUS = 2
HEADERS = ("测评指标", "件数", "状态")

NODE_ALL = "all"
NODE_UNASSIGNED = "unassigned"
NODE_INDICATOR = "indicator"

NodeKindRole = Qt.ItemDataRole.UserRole + 1
IndicatorIdRole = Qt.ItemDataRole.UserRole + 2
StatusRole = Qt.ItemDataRole.UserRole + 3
CodeRole = Qt.ItemDataRole.UserRole + 4
IsStandardRole = Qt.ItemDataRole.UserRole + 5
CountRole = Qt.ItemDataRole.UserRole + 6

Index = QModelIndex | QPersistentModelIndex


@dataclass
class _Item:
    kind: str
    label: str
    parent: int  # position of the parent in the flat list; -1 at the top
    row: int
    indicator: IndicatorNode | None = None
    children: list[int] = field(default_factory=list)
    count: int = 0
    status: str | None = None


class IndicatorTreeModel(QAbstractItemModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._items: list[_Item] = []
        self._top: list[int] = []
        self._by_indicator: dict[int, int] = {}

    # -- loading ------------------------------------------------------------------------------
    def load(self, nodes: list[IndicatorNode], counts: TreeCounts | None = None,
             statuses: dict[int, str] | None = None) -> None:
        """Replace the tree (a new framework or library)."""
        self.beginResetModel()
        self._items, self._top, self._by_indicator = [], [], {}
        for kind, label in ((NODE_ALL, "全部资料"), (NODE_UNASSIGNED, "未归类")):
            self._top.append(len(self._items))
            self._items.append(_Item(kind, label, -1, len(self._top) - 1))
        for node in nodes:
            parent = self._by_indicator.get(node.parent_id, -1) if node.parent_id else -1
            siblings = self._items[parent].children if parent >= 0 else self._top
            pos = len(self._items)
            self._items.append(_Item(NODE_INDICATOR, f"{node.code} {node.title}", parent,
                                     len(siblings), node))
            siblings.append(pos)
            self._by_indicator[node.id] = pos
        self._apply(counts, statuses)
        self.endResetModel()

    def update_counts(self, counts: TreeCounts | None, statuses: dict[int, str] | None) -> None:
        """New counts and badges after a change; the tree's shape, selection and folding stay."""
        self._apply(counts, statuses)
        if self._items:
            self._emit_changed_all(QModelIndex())

    def _apply(self, counts: TreeCounts | None, statuses: dict[int, str] | None) -> None:
        statuses = statuses or {}
        for item in self._items:
            if item.kind == NODE_ALL:
                item.count = counts.total if counts else 0
            elif item.kind == NODE_UNASSIGNED:
                item.count = counts.unassigned if counts else 0
                item.status = None
            else:
                assert item.indicator is not None
                item.count = counts.per_node.get(item.indicator.id, 0) if counts else 0
                item.status = statuses.get(item.indicator.id)

    def _emit_changed_all(self, parent: QModelIndex) -> None:
        rows = self.rowCount(parent)
        if rows == 0:
            return
        self.dataChanged.emit(self.index(0, 0, parent),
                              self.index(rows - 1, len(HEADERS) - 1, parent))
        for row in range(rows):
            child = self.index(row, 0, parent)
            if self.rowCount(child):
                self._emit_changed_all(child)

    # -- lookups ------------------------------------------------------------------------------
    def index_for_indicator(self, indicator_id: int) -> QModelIndex:
        pos = self._by_indicator.get(indicator_id)
        if pos is None:
            return QModelIndex()
        item = self._items[pos]
        return self.createIndex(item.row, 0, pos)

    def index_for_kind(self, kind: str) -> QModelIndex:
        for row, pos in enumerate(self._top):
            if self._items[pos].kind == kind:
                return self.createIndex(row, 0, pos)
        return QModelIndex()

    def _item(self, index: Index) -> _Item | None:
        if not index.isValid():
            return None
        pos = index.internalId()
        return self._items[pos] if 0 <= pos < len(self._items) else None

    # -- QAbstractItemModel -------------------------------------------------------------------
    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column < 0 or column >= len(HEADERS) or row < 0:
            return QModelIndex()
        if parent.isValid():
            if parent.column() != 0:
                return QModelIndex()
            item = self._item(parent)
            children = item.children if item else []
        else:
            children = self._top
        if row >= len(children):
            return QModelIndex()
        return self.createIndex(row, column, children[row])

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        item = self._item(index)
        if item is None or item.parent < 0:
            return QModelIndex()
        return self.createIndex(self._items[item.parent].row, 0, item.parent)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        if not parent.isValid():
            return len(self._top)
        if parent.column() != 0:
            return 0
        item = self._item(parent)
        return len(item.children) if item else 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return len(HEADERS)

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008, N802
        return self.rowCount(parent) > 0

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        item = self._item(index)
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if item is not None and item.indicator is not None and item.indicator.is_standard:
            flags |= Qt.ItemFlag.ItemIsDropEnabled
        return flags

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(HEADERS)):
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self._item(index)
        if item is None:
            return None
        col = index.column()
        ind = item.indicator
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_TITLE:
                return item.label
            if col == COL_COUNT:
                return str(item.count)
            if col == COL_STATUS:
                return status_label(item.status)
        elif role == Qt.ItemDataRole.DecorationRole and col == COL_TITLE:
            if item.kind == NODE_INDICATOR:
                return status_icon(item.status)
        elif role == Qt.ItemDataRole.ToolTipRole:
            if ind is None:
                return f"{item.label}：{item.count} 件"
            lines = [f"{ind.level_name} {ind.code}", ind.title, f"已归档 {item.count} 件"]
            if item.status:
                lines.append(f"完成情况：{status_label(item.status)}")
            if ind.score is not None:
                lines.append(f"分值：{ind.score:g}")
            if ind.method:
                lines.append(f"测评方法：{ind.method}")
            if ind.requirement_text:
                lines.append(f"佐证资料：{ind.requirement_text}")
            return "\n".join(lines)
        elif role == Qt.ItemDataRole.TextAlignmentRole and col != COL_TITLE:
            return int(Qt.AlignmentFlag.AlignCenter)
        elif role == Qt.ItemDataRole.FontRole and item.kind != NODE_INDICATOR:
            from PySide6.QtGui import QFont

            font = QFont()
            font.setBold(True)
            return font
        elif role == NodeKindRole:
            return item.kind
        elif role == IndicatorIdRole:
            return ind.id if ind else None
        elif role == StatusRole:
            return item.status
        elif role == CodeRole:
            return ind.code if ind else None
        elif role == IsStandardRole:
            return bool(ind and ind.is_standard)
        elif role == CountRole:
            return item.count
        return None

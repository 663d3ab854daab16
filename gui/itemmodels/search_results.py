"""Search hits: title, period, standards, page and the snippet with the query words marked."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex
DocumentIdRole = Qt.ItemDataRole.UserRole + 1
PageRole = Qt.ItemDataRole.UserRole + 2  # 1-based page of the passage, or None
HtmlRole = Qt.ItemDataRole.UserRole + 3  # the row as rich text for the delegate
HitRole = Qt.ItemDataRole.UserRole + 4

MARK = '<span style="background-color:#ffe066; font-weight:bold">'


def hit_html(hit: Any) -> str:
    """One result as HTML: the title line, then the snippet with highlighted words."""
    meta = [hit.period + " 年度" if str(hit.period).isdigit() else str(hit.period)]
    meta.append("、".join(hit.standards) if hit.standards else "未归类")
    if hit.page:
        meta.append(f"第 {hit.page} 页")
    snippet = hit.snippet_html().replace("<b>", MARK).replace("</b>", "</span>")
    return (f'<div><b>{html.escape(hit.title or hit.source_path)}</b>'
            f'<span style="color:#7f8c8d">　{html.escape(" · ".join(meta))}</span></div>'
            f'<div style="color:#333">{snippet or "（无摘要）"}</div>')


class SearchResultModel(QAbstractListModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.hits: list[Any] = []
        self.words: list[str] = []

    def load(self, hits: list[Any], words: list[str] | None = None) -> None:
        self.beginResetModel()
        self.hits = list(hits)
        self.words = list(words or [])
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.hits)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemNeverHasChildren)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.hits):
            return None
        hit = self.hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return hit.title or hit.source_path
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{hit.title}\n{hit.source_path}"
        if role == DocumentIdRole:
            return hit.document_id
        if role == PageRole:
            return hit.page
        if role == HtmlRole:
            return hit_html(hit)
        if role == HitRole:
            return hit
        return None

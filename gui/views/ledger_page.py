"""The 台账 page: indicator tree | documents of the node | the selected document."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from gui.queries.documents import DocumentScope
from gui.state import AppState
from gui.views.document_list import DocumentListPanel
from gui.views.document_panel import DocumentPanel
from gui.views.indicator_tree import IndicatorTreePanel


class LedgerPage(QWidget):
    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.tree = IndicatorTreePanel(state)
        self.documents = DocumentListPanel(state)
        self.detail = DocumentPanel(state)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("ledgerSplitter")
        self.splitter.addWidget(self.tree)
        self.splitter.addWidget(self.documents)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setStretchFactor(2, 4)
        self.splitter.setSizes([330, 660, 450])
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.splitter)
        self.tree.scopeSelected.connect(self._scope_selected)
        self.documents.documentSelected.connect(self.detail.show_document)

    def _scope_selected(self, scope: DocumentScope) -> None:
        self.documents.show_scope(scope, self.tree.node_title())

    def show_document(self, doc_id: int, page: int = 0, highlight: list[str] | None = None
                      ) -> None:
        """Select ``doc_id`` in 全部资料 (used by search and the dashboard)."""
        if not self.documents.select_document(doc_id):
            self.tree.select_kind("all")
            self.documents.select_document(doc_id)
        self.detail.show_document(doc_id, page=page, highlight=highlight)

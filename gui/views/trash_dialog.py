"""The library's trash: restore deleted documents, or empty it for good (after confirming)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from archive import trash
from gui import messages
from gui.itemmodels.trash import COL_TITLE, DocumentIdRole, TrashModel
from gui.operations.documents import restore_documents
from gui.state import AppState


class TrashDialog(QDialog):
    restored = Signal(list)

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trashDialog")
        self.setWindowTitle("回收站")
        self.resize(720, 460)
        self.state = state
        self.model = TrashModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(COL_TITLE,
                                                           QHeaderView.ResizeMode.Stretch)
        self.info = QLabel()
        self.restore_button = QPushButton("恢复选中的资料")
        self.restore_button.clicked.connect(self.restore_selected)
        self.empty_button = QPushButton("清空回收站…")
        self.empty_button.clicked.connect(self.empty)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.info, 1)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.empty_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        self.model.load(trash.list_trash(self.state.library()))
        n = self.model.rowCount()
        self.info.setText(f"回收站中有 {n} 件资料。" if n else "回收站是空的。")
        self.restore_button.setEnabled(n > 0)
        self.empty_button.setEnabled(n > 0)

    def selected_ids(self) -> list[int]:
        return [int(i.data(DocumentIdRole)) for i in self.table.selectionModel().selectedRows()]

    def restore_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        try:
            restore_documents(self.state.library(), ids)
        except Exception as exc:  # noqa: BLE001 - the clerk sees why
            messages.show_error(self, "恢复失败", exc)
        self.reload()
        self.state.documents_changed(ids)
        self.restored.emit(ids)

    def empty(self) -> None:
        n = self.model.rowCount()
        if not messages.confirm(self, "清空回收站", f"彻底删除回收站中的 {n} 件资料？",
                       "删除后无法恢复。", ok_text="彻底删除"):
            return
        try:
            trash.empty_trash(self.state.library())
        except Exception as exc:  # noqa: BLE001
            messages.show_error(self, "清空回收站失败", exc)
        self.reload()

"""Choosing a standard by typing part of its code or title (used in tables and forms)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from gui.queries.documents import Choice


def standard_combo(choices: list[Choice], parent: QWidget | None = None) -> QComboBox:
    combo = QComboBox(parent)
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    for c in choices:
        combo.addItem(c.label, c.id)
    completer = combo.completer()
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    combo.lineEdit().setPlaceholderText("输入编号或名称")
    return combo


class StandardDelegate(QStyledItemDelegate):
    """Edits a cell holding an indicator id with a searchable combo box."""

    def __init__(self, choices: list[Choice], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choices = choices

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,  # noqa: N802
                     index: QModelIndex | QPersistentModelIndex) -> QWidget:
        return standard_combo(self.choices, parent)

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex  # noqa: N802
                      ) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(editor.findData(index.data(Qt.ItemDataRole.EditRole)))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel,  # noqa: N802
                     index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        text = editor.currentText().strip()
        idx = editor.findText(text)
        if idx < 0:
            idx = editor.findText(text, Qt.MatchFlag.MatchContains)
        if idx >= 0:
            model.setData(index, editor.itemData(idx), Qt.ItemDataRole.EditRole)

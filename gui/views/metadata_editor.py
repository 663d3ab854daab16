"""The 著录 form of one document: 题名, 文号, 日期, 责任者, 密级, 保管期限, caption, links.

The form only collects what the clerk changed (``MetadataEdit``); saving is done by
``gui.operations.documents.apply_edit`` through the archive, which checks and audits each value.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from archive.models import CLASSIFICATIONS, RETENTIONS
from gui.operations.documents import MetadataEdit
from gui.queries.documents import Choice, DocumentDetail

IdRole = Qt.ItemDataRole.UserRole + 1


class MetadataEditor(QWidget):
    saveRequested = Signal(int, object)  # document id, MetadataEdit
    dirtyChanged = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.detail: DocumentDetail | None = None
        self._loading = False
        self._add: list[int] = []
        self._remove: list[int] = []
        self.title = QLineEdit()
        self.title.setObjectName("editTitle")
        self.doc_number = QLineEdit()
        self.doc_number.setObjectName("editNumber")
        self.doc_number.setPlaceholderText("例如 ××文明办〔2023〕12号")
        self.doc_date = QLineEdit()
        self.doc_date.setObjectName("editDate")
        self.doc_date.setPlaceholderText("例如 2023-05-12")
        self.author = QLineEdit()
        self.author.setObjectName("editAuthor")
        self.unit = QComboBox()
        self.unit.setObjectName("editUnit")
        self.classification = QComboBox()
        self.classification.addItems(CLASSIFICATIONS)
        self.retention = QComboBox()
        self.retention.addItems(RETENTIONS)
        self.released = QCheckBox("涉密资料已审核，允许导出")
        self.caption = QPlainTextEdit()
        self.caption.setObjectName("editCaption")
        self.caption.setPlaceholderText("照片说明：时间、地点、人物、事由")
        self.caption.setFixedHeight(56)
        self.remarks = QPlainTextEdit()
        self.remarks.setFixedHeight(44)

        self.standards = QListWidget()
        self.standards.setObjectName("linkedStandards")
        self.standards.setFixedHeight(64)
        self.standards.setWordWrap(True)
        self.standards.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.standards.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.standard_picker = QComboBox()
        self.standard_picker.setObjectName("standardPicker")
        self.standard_picker.setEditable(True)
        self.standard_picker.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.standard_picker.lineEdit().setPlaceholderText("输入编号或名称，归到另一测评标准")
        completer = self.standard_picker.completer()
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.add_standard_button = QPushButton("添加")
        self.remove_standard_button = QPushButton("移除")
        self.requirements = QListWidget()
        self.requirements.setObjectName("requirements")
        self.requirements.setFixedHeight(72)
        self.requirements.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.requirements.setToolTip("勾选：这份资料满足该项资料要求（查漏补缺时以此为准）")

        self.save_button = QPushButton("保存 (Ctrl+S)")
        self.save_button.setObjectName("saveButton")
        self.revert_button = QPushButton("撤销修改")
        self.info = QLabel("")
        self.info.setWordWrap(True)
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.info.setStyleSheet("color: #666")

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("题名", self.title)
        form.addRow("文号", self.doc_number)
        row = QHBoxLayout()
        row.addWidget(self.doc_date)
        row.addWidget(QLabel("责任者"))
        row.addWidget(self.author, 1)
        form.addRow("日期", row)
        row2 = QHBoxLayout()
        row2.addWidget(self.classification)
        row2.addWidget(QLabel("保管期限"))
        row2.addWidget(self.retention)
        row2.addWidget(self.released, 1)
        form.addRow("密级", row2)
        form.addRow("单位", self.unit)
        form.addRow("照片说明", self.caption)
        form.addRow("备注", self.remarks)
        pick = QHBoxLayout()
        pick.addWidget(self.standard_picker, 1)
        pick.addWidget(self.add_standard_button)
        pick.addWidget(self.remove_standard_button)
        box = QVBoxLayout()
        box.addWidget(self.standards)
        box.addLayout(pick)
        form.addRow("测评标准", box)
        form.addRow("资料要求", self.requirements)
        buttons = QHBoxLayout()
        buttons.addWidget(self.info, 1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(form)
        layout.addLayout(buttons)

        for edit in (self.title, self.doc_number, self.doc_date, self.author):
            edit.textEdited.connect(self._changed)
        for text_edit in (self.caption, self.remarks):
            text_edit.textChanged.connect(self._changed)
        for combo in (self.unit, self.classification, self.retention):
            combo.currentIndexChanged.connect(self._changed)
        self.released.toggled.connect(self._changed)
        self.requirements.itemChanged.connect(self._changed)
        self.add_standard_button.clicked.connect(self._add_standard)
        self.standard_picker.lineEdit().returnPressed.connect(self._add_standard)
        self.remove_standard_button.clicked.connect(self._remove_standard)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.revert)
        shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.save)
        self._set_dirty(False)
        self.setEnabled(False)

    # -- filling --------------------------------------------------------------------------------
    def set_choices(self, units: list[Choice], standards: list[Choice]) -> None:
        self._loading = True
        self.unit.clear()
        self.unit.addItem("（未指定）", None)
        for u in units:
            self.unit.addItem(u.label, u.id)
        self.standard_picker.clear()
        for s in standards:
            self.standard_picker.addItem(s.label, s.id)
        self.standard_picker.setCurrentIndex(-1)
        self._loading = False

    def load(self, detail: DocumentDetail | None) -> None:
        self._loading = True
        self.detail = detail
        self._add, self._remove = [], []
        self.setEnabled(detail is not None and not detail.deleted)
        d = detail
        self.title.setText(d.title if d else "")
        self.doc_number.setText(d.doc_number if d else "")
        self.doc_date.setText(d.doc_date.isoformat() if d and d.doc_date else "")
        self.author.setText(d.author if d else "")
        for edit in (self.title, self.doc_number, self.author):
            edit.setCursorPosition(0)  # show the beginning of a long 题名
        self.unit.setCurrentIndex(max(0, self.unit.findData(d.unit_id)) if d else 0)
        self.classification.setCurrentText(d.classification if d else CLASSIFICATIONS[0])
        self.retention.setCurrentText(d.retention if d else RETENTIONS[1])
        self.released.setChecked(bool(d and d.released))
        self.caption.setPlainText(d.caption if d else "")
        self.caption.setEnabled(bool(d) and (d.kind == "photo" or bool(d.caption)))
        self.remarks.setPlainText(d.remarks if d else "")
        self._fill_standards()
        self._fill_requirements()
        if d:
            pages = f"，{d.page_count} 页" if d.page_count else ""
            self.info.setText(f"{d.original_name}（{d.ext or '无扩展名'}，"
                              f"{d.size / 1024:.0f} KB{pages}）来源：{d.source_path}")
        else:
            self.info.setText("")
        self._loading = False
        self._set_dirty(False)

    def _fill_standards(self) -> None:
        self.standards.clear()
        if self.detail is None:
            return
        shown = [(s.id, f"{s.code} {s.title}") for s in self.detail.standards
                 if s.id not in self._remove]
        for ind_id in self._add:
            idx = self.standard_picker.findData(ind_id)
            shown.append((ind_id, self.standard_picker.itemText(idx) + "（待保存）"))
        for ind_id, label in shown:
            item = QListWidgetItem(label)
            item.setData(IdRole, ind_id)
            item.setToolTip(label)
            self.standards.addItem(item)
        if not shown:
            item = QListWidgetItem("未归类：请添加测评标准")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.standards.addItem(item)

    def _fill_requirements(self) -> None:
        self.requirements.clear()
        if self.detail is None:
            return
        for req in self.detail.requirements:
            item = QListWidgetItem(f"{req.standard_code}：{req.label}"
                                   + (f"（至少 {req.min_count}）" if req.min_count > 1 else ""))
            item.setData(IdRole, req.id)
            item.setCheckState(Qt.CheckState.Checked if req.linked else Qt.CheckState.Unchecked)
            if req.linked:
                item.setToolTip("已确认满足此项要求；取消勾选即撤销确认")
            self.requirements.addItem(item)

    # -- editing --------------------------------------------------------------------------------
    def _changed(self, *_args: object) -> None:
        if not self._loading:
            self._set_dirty(not self.collect().empty)

    def _set_dirty(self, dirty: bool) -> None:
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)
        self.dirtyChanged.emit(dirty)

    @property
    def dirty(self) -> bool:
        return self.save_button.isEnabled()

    def _add_standard(self) -> None:
        idx = self.standard_picker.currentIndex()
        text = self.standard_picker.currentText().strip()
        if idx < 0 or self.standard_picker.itemText(idx) != text:
            idx = self.standard_picker.findText(text, Qt.MatchFlag.MatchStartsWith)
        if idx < 0 or self.detail is None:
            return
        ind_id = int(self.standard_picker.itemData(idx))
        linked = {s.id for s in self.detail.standards}
        if ind_id in self._remove:
            self._remove.remove(ind_id)
        elif ind_id not in linked and ind_id not in self._add:
            self._add.append(ind_id)
        self.standard_picker.setCurrentIndex(-1)
        self._fill_standards()
        self._changed()

    def add_standard(self, indicator_id: int) -> None:
        """Stage a link (as choosing it in the picker does)."""
        self.standard_picker.setCurrentIndex(self.standard_picker.findData(indicator_id))
        self._add_standard()

    def _remove_standard(self) -> None:
        item = self.standards.currentItem()
        if item is None or item.data(IdRole) is None:
            return
        ind_id = int(item.data(IdRole))
        if ind_id in self._add:
            self._add.remove(ind_id)
        else:
            self._remove.append(ind_id)
        self._fill_standards()
        self._changed()

    def collect(self) -> MetadataEdit:
        edit = MetadataEdit()
        d = self.detail
        if d is None:
            return edit
        values = {
            "title": self.title.text().strip(),
            "doc_number": self.doc_number.text().strip(),
            "author": self.author.text().strip(),
            "classification": self.classification.currentText(),
            "retention": self.retention.currentText(),
            "released": self.released.isChecked(),
            "caption": self.caption.toPlainText().strip(),
            "remarks": self.remarks.toPlainText().strip(),
            "unit_id": self.unit.currentData(),
        }
        for key, value in values.items():
            if getattr(d, key) != value:
                edit.fields[key] = value
        date_text = self.doc_date.text().strip()
        if date_text != (d.doc_date.isoformat() if d.doc_date else ""):
            edit.fields["doc_date"] = date_text or None
        edit.link_standards = list(self._add)
        edit.unlink_standards = list(self._remove)
        for i in range(self.requirements.count()):
            item = self.requirements.item(i)
            req = d.requirements[i]
            if item.checkState() == Qt.CheckState.Checked and not req.linked:
                edit.link_requirements.append(req.id)
            elif item.checkState() == Qt.CheckState.Unchecked and req.linked:
                edit.unlink_requirements.append(req.id)
        return edit

    def save(self) -> None:
        if self.detail is None or not self.dirty:
            return
        edit = self.collect()
        if not edit.empty:
            self.saveRequested.emit(self.detail.id, edit)

    def revert(self) -> None:
        self.load(self.detail)

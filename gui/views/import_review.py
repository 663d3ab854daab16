"""After a folder import: what went where, what is unassigned, duplicates and refusals.

The import has already filed everything safely; this dialog lets the clerk give unassigned
files a standard (or correct a wrong one) before confirming, or take the whole import back.
"""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from archive.importer import ImportResult
from gui.itemmodels.import_review import (
    CATEGORY_LABELS,
    COL_CATEGORY,
    COL_NOTE,
    COL_SOURCE,
    COL_STANDARD,
    DUPLICATE,
    FILED,
    REFUSED,
    UNASSIGNED,
    CategoryRole,
    ImportReviewModel,
)
from gui.queries.documents import Choice
from gui.views.standard_picker import StandardDelegate, standard_combo

UNDO = 2  # dialog result: take the import back


def summary_text(result: ImportResult) -> str:
    text = (f"归档 {len(result.filed)} 件，未归类 {len(result.unassigned)} 件，"
            f"重复 {len(result.duplicates)} 件，拒收 {len(result.refused)} 件。")
    if result.created_period:
        text += f"已新建年度 {result.created_period}。"
    return text


class ImportReviewDialog(QDialog):
    def __init__(self, result: ImportResult, period: str, standards: list[Choice],
                 code_ids: dict[str, int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importReview")
        self.setWindowTitle("导入结果核对")
        self.resize(980, 600)
        self.result = result
        self.model = ImportReviewModel(result, {c.id: c.label for c in standards}, code_ids, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterRole(CategoryRole)
        self.proxy.setFilterKeyColumn(COL_CATEGORY)
        head = QLabel(f"导入到 {period} 年度：{summary_text(result)}")
        head.setStyleSheet("font-weight: bold")
        head.setWordWrap(True)
        hint = QLabel("双击“测评标准”一栏可为未归类的文件选择测评标准，或更正自动归类的结果；"
                      "点“确认”后生效。")
        hint.setWordWrap(True)
        self.error = QLabel(result.error)
        self.error.setStyleSheet("color: #c0392b")
        self.error.setWordWrap(True)
        self.error.setVisible(bool(result.error))
        self.show_filter = QComboBox()
        self.show_filter.addItem("全部", "")
        for cat in (UNASSIGNED, FILED, DUPLICATE, REFUSED):
            self.show_filter.addItem(f"{CATEGORY_LABELS[cat]}（{self.model.count(cat)}）", cat)
        self.show_filter.currentIndexChanged.connect(
            lambda _i: self.proxy.setFilterFixedString(self.show_filter.currentData()))
        self.bulk = standard_combo(standards)
        self.bulk.setCurrentIndex(-1)
        bulk_button = QPushButton("全部未归类的归到此标准")
        bulk_button.clicked.connect(self._assign_all)
        bulk_button.setEnabled(self.model.count(UNASSIGNED) > 0)
        self.table = QTableView()
        self.table.setObjectName("reviewTable")
        self.table.setModel(self.proxy)
        self.table.setItemDelegateForColumn(COL_STANDARD, StandardDelegate(standards, self))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_SOURCE, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(COL_CATEGORY, 70)
        header.resizeSection(COL_STANDARD, 260)
        header.resizeSection(COL_NOTE, 220)
        buttons = QDialogButtonBox()
        self.confirm_button = buttons.addButton("确认", QDialogButtonBox.ButtonRole.AcceptRole)
        self.undo_button = buttons.addButton("撤销本次导入", QDialogButtonBox.ButtonRole.ResetRole)
        self.undo_button.setToolTip("新导入的文件移入回收站，本次新增的归类关系删除")
        self.undo_button.setEnabled(bool(result.filed or result.unassigned))
        buttons.accepted.connect(self.accept)
        self.undo_button.clicked.connect(lambda: self.done(UNDO))
        filters = QHBoxLayout()
        filters.addWidget(QLabel("显示"))
        filters.addWidget(self.show_filter)
        filters.addSpacing(20)
        filters.addWidget(self.bulk, 1)
        filters.addWidget(bulk_button)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(self.error)
        layout.addWidget(hint)
        layout.addLayout(filters)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        if self.model.count(UNASSIGNED):
            self.show_filter.setCurrentIndex(self.show_filter.findData(UNASSIGNED))

    def _assign_all(self) -> None:
        idx = self.bulk.findText(self.bulk.currentText().strip())
        if idx >= 0:
            self.model.assign_all_unassigned(int(self.bulk.itemData(idx)))

    def changes(self) -> dict[int, tuple[list[int], list[int]]]:
        return self.model.changes()

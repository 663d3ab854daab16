"""导入任务分解表: choose the workbook, check (and fix) which column is which, see what the
import will do, import. The workbook is read in a worker at every step."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from archive.framework_io import FIELDS, WorkbookPreview
from archive.framework_io.errors import column_letter
from archive.framework_update import FrameworkImportReport
from gui import messages
from gui.operations.framework import FrameworkPlan, WorkbookChoice, apply, inspect, plan
from gui.state import AppState
from gui.tasks import TaskFailure, TaskHandle
from gui.views.progress import run_with_progress

NO_COLUMN = ""
MIN_COLUMNS = 26


class FrameworkWizard(QWizard):
    imported = Signal(object)  # FrameworkImportReport

    def __init__(self, state: AppState, parent: QWidget | None = None,
                 path: Path | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("frameworkWizard")
        self.setWindowTitle("导入测评体系（任务分解表）")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, False)
        self.resize(960, 640)
        self.state = state
        self.preview: WorkbookPreview | None = None
        self.choice: WorkbookChoice | None = None
        self.plan: FrameworkPlan | None = None
        self.report: FrameworkImportReport | None = None
        self._task: TaskHandle | None = None
        self.setButtonText(QWizard.WizardButton.NextButton, "下一步 >")
        self.setButtonText(QWizard.WizardButton.BackButton, "< 上一步")
        self.setButtonText(QWizard.WizardButton.FinishButton, "导入")
        self.setButtonText(QWizard.WizardButton.CancelButton, "取消")
        self.file_page = _FilePage(self)
        self.columns_page = _ColumnsPage(self)
        self.confirm_page = _ConfirmPage(self)
        for page in (self.file_page, self.columns_page, self.confirm_page):
            self.addPage(page)
        if path is not None:
            self.file_page.path.setText(str(path))
            self.look(WorkbookChoice(path))

    # -- reading in workers ------------------------------------------------------------------
    def look(self, choice: WorkbookChoice) -> TaskHandle:
        """Inspect the workbook with ``choice``; pages update when the preview arrives."""
        self.choice = choice
        self.preview = None
        self.plan = None
        self.file_page.status.setText(f"正在读取 {choice.path.name}……")
        self._emit_complete()
        handle = self.state.runner.run(lambda _p, _c: inspect(choice), "读取任务分解表")
        handle.success(lambda preview, h=handle: self._looked(preview, h))
        handle.failure_handler(lambda f, h=handle: self._failed(f, h))
        self._task = handle
        return handle

    def _looked(self, preview: WorkbookPreview, handle: TaskHandle) -> None:
        if handle is not self._task:
            return
        self.preview = preview
        self.file_page.show_preview(preview)
        self.columns_page.show_preview(preview)
        self._emit_complete()

    def _failed(self, failure: TaskFailure, handle: TaskHandle) -> None:
        if handle is self._task:
            self.file_page.status.setText(f"无法读取：{failure.exception}")
            self._emit_complete()

    def make_plan(self) -> TaskHandle | None:
        if self.choice is None:
            return None
        lib, choice = self.state.library(), self.choice
        name = self.confirm_page.name.text().strip() or None
        self.confirm_page.summary.setPlainText("正在分析……")
        handle = run_with_progress(self.state.runner, self, "分析任务分解表",
                                   lambda p, c: plan(lib, choice, name, p, c))
        handle.success(self._planned)
        handle.failure_handler(lambda f: self.confirm_page.summary.setPlainText(
            f"无法导入：{f.exception}"))
        return handle

    def _planned(self, result: FrameworkPlan) -> None:
        self.plan = result
        if not self.confirm_page.name.text().strip():
            self.confirm_page.name.setText(result.report.framework)
        self.confirm_page.summary.setPlainText(result.report.summary())
        needs_force = bool(getattr(result.report, "needs_force", False))
        self.confirm_page.force.setChecked(False)
        self.confirm_page.force.setVisible(needs_force)
        self.confirm_page.warning.setVisible(needs_force)
        self._emit_complete()

    def _emit_complete(self) -> None:
        for page in (self.file_page, self.columns_page, self.confirm_page):
            page.completeChanged.emit()

    # -- finishing ---------------------------------------------------------------------------
    def accept(self) -> None:
        if self.plan is None:
            return
        lib, parsed = self.state.library(), self.plan.parsed
        name = self.confirm_page.name.text().strip() or None
        force = self.confirm_page.force.isChecked()
        handle = run_with_progress(self.state.runner, self, "导入测评体系",
                                   lambda p, c: apply(lib, parsed, name, p, c, force=force),
                                   serial=True)
        handle.success(self._imported)
        handle.failure_handler(messages.failure_reporter(self, "导入测评体系失败"))
        self._task = handle

    def _imported(self, report: FrameworkImportReport) -> None:
        self.report = report
        self.state.framework_changed()
        moved = [d["id"] for d in report.unassigned_documents]
        if moved:
            self.state.documents_changed(moved)
        messages.show_info(self.parentWidget(), "测评体系已导入", report.summary().split("\n")[0],
                           details=report.summary())
        self.imported.emit(report)
        super().accept()


class _FilePage(QWizardPage):
    def __init__(self, wizard: FrameworkWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("第一步：选择任务分解表")
        self.setSubTitle("选择本单位的任务分解表（.xlsx 或 .xls）。表头在第几行、列叫什么名称都不要紧，"
                         "程序会自动识别。")
        self.path = QLineEdit()
        self.path.setObjectName("workbookPath")
        self.path.setReadOnly(True)
        browse = QPushButton("选择文件…")
        browse.clicked.connect(self._browse)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addStretch(1)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择任务分解表", "",
                                              "Excel 工作簿 (*.xlsx *.xlsm *.xls)")
        if path:
            self.path.setText(path)
            self.w.look(WorkbookChoice(Path(path)))

    def show_preview(self, preview: WorkbookPreview) -> None:
        sheets = "；".join(f"“{s.name}”{'（已采用）' if s.used else ''}{s.reason}"
                          for s in preview.sheets)
        found = "、".join(f"{f}={c}" for f, c in preview.mapping.items())
        text = f"工作表：{sheets}\n识别出的列：{found or '（无）'}"
        if preview.problems:
            text += "\n需要处理：" + "；".join(preview.problems) + "\n请在下一步指定各列。"
        self.status.setText(text)

    def isComplete(self) -> bool:  # noqa: N802
        return self.w.preview is not None


class _ColumnsPage(QWizardPage):
    def __init__(self, wizard: FrameworkWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("第二步：核对各列")
        self.setSubTitle("左边是程序识别出的列，右边是前几行数据。识别不对或没有识别出来的，"
                         "请在下拉框中改成正确的列；“测评标准”一列必须指定。")
        self.sheet = QComboBox()
        self.sheet.setObjectName("sheetCombo")
        self.sheet.activated.connect(lambda _i: self._remap())
        self.combos: dict[str, QComboBox] = {}
        form = QFormLayout()
        form.addRow("工作表", self.sheet)
        for field in FIELDS:
            combo = QComboBox()
            combo.setObjectName(f"map_{field}")
            combo.activated.connect(lambda _i: self._remap())
            self.combos[field] = combo
            form.addRow(field, combo)
        self.problems = QLabel("")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #c0392b")
        self.samples = QTableWidget()
        self.samples.setObjectName("samplesTable")
        self.samples.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        left = QWidget()
        left.setLayout(form)
        left.setMaximumWidth(300)
        row = QHBoxLayout()
        row.addWidget(left)
        row.addWidget(self.samples, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row, 1)
        layout.addWidget(self.problems)

    def show_preview(self, p: WorkbookPreview) -> None:
        self.sheet.clear()
        for s in p.sheets:
            self.sheet.addItem(s.name + ("" if s.used else f"（{s.reason}）"), s.name)
        self.sheet.setCurrentIndex(max(0, self.sheet.findData(p.sheet)))
        count = max([MIN_COLUMNS] + [_col_number(c) for c in p.headers])
        for field, combo in self.combos.items():
            combo.clear()
            combo.addItem("（无此列）", NO_COLUMN)
            for n in range(count):
                letter = column_letter(n)
                header = p.headers.get(letter, "")
                combo.addItem(f"{letter} 列" + (f"：{header}" if header else ""), letter)
            combo.setCurrentIndex(max(0, combo.findData(p.mapping.get(field, NO_COLUMN))))
        self.problems.setText("；".join(p.problems))
        fields = [f for f in FIELDS if f in p.mapping]
        self.samples.clear()
        self.samples.setColumnCount(len(fields))
        self.samples.setHorizontalHeaderLabels(fields)
        self.samples.setRowCount(len(p.samples))
        for r, sample in enumerate(p.samples):
            for c, f in enumerate(fields):
                self.samples.setItem(r, c, QTableWidgetItem(sample.get(f, "")))
        self.samples.setWordWrap(True)
        self.samples.resizeColumnsToContents()
        for c in range(len(fields)):
            self.samples.setColumnWidth(c, min(self.samples.columnWidth(c), 160))
        self.samples.horizontalHeader().setStretchLastSection(True)
        self.samples.resizeRowsToContents()

    def mapping(self) -> dict[str, str]:
        return {f: c.currentData() for f, c in self.combos.items() if c.currentData()}

    def set_column(self, field: str, letter: str) -> TaskHandle | None:
        """Choose the column of ``field`` (as picking it in the list does) and look again."""
        combo = self.combos[field]
        combo.setCurrentIndex(max(0, combo.findData(letter)))
        return self._remap()

    def _remap(self) -> TaskHandle | None:
        if self.w.choice is None:
            return None
        return self.w.look(WorkbookChoice(self.w.choice.path, self.mapping() or None,
                                          self.sheet.currentData()))

    def isComplete(self) -> bool:  # noqa: N802
        p = self.w.preview
        return p is not None and p.ok


class _ConfirmPage(QWizardPage):
    def __init__(self, wizard: FrameworkWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("第三步：确认导入")
        self.setSubTitle("下面是导入后的结果预览。已有测评体系时，按编号和名称对应更新，"
                         "已归档的资料保持关联；被删除的测评标准下的资料会变为“未归类”并列出。")
        self.name = QLineEdit()
        self.name.setObjectName("frameworkName")
        self.summary = QPlainTextEdit()
        self.summary.setObjectName("importSummary")
        self.summary.setReadOnly(True)
        self.warning = QLabel("这份表格与现有测评体系差别很大：多数现有测评标准在新表格中找不到，"
                              "其下已归档的资料将变为“未归类”。请核对上面的变化；如果选错了文件，"
                              "请点“上一步”重新选择。")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #c0392b; font-weight: bold")
        self.force = QCheckBox("我已核对，这是同一测评体系的新版本，仍然导入")
        self.force.setObjectName("forceImport")
        self.force.toggled.connect(lambda _on: self.completeChanged.emit())
        self.warning.setVisible(False)
        self.force.setVisible(False)
        form = QFormLayout()
        form.addRow("测评体系名称", self.name)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary, 1)
        layout.addWidget(self.warning)
        layout.addWidget(self.force)

    def initializePage(self) -> None:  # noqa: N802
        self.w.plan = None
        self.w.make_plan()

    def isComplete(self) -> bool:  # noqa: N802
        plan = self.w.plan
        if plan is None:
            return False
        return not getattr(plan.report, "needs_force", False) or self.force.isChecked()


def _col_number(letter: str) -> int:
    n = 0
    for ch in letter:
        n = n * 26 + (ord(ch) - 64)
    return n

"""导出迎检资料: what to export, where to (a folder or a USB stick, with a free-space check),
the export with progress and cancel, and the verification result."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from archive.progress import ProgressEvent
from exporters.package import ExportReport
from exporters.package.meter import human_bytes
from gui.operations.export import ExportRequest, estimate_size, export_summary, run_export
from gui.queries.tree import indicator_nodes
from gui.state import AppState
from gui.tasks import TaskFailure, TaskHandle
from gui.views.volumes import Volume, free_space, mounted_volumes

# Room left beyond the estimate: generated Word files and the index vary in size.
SPACE_MARGIN = 1.05


class ExportWizard(QWizard):
    exported = Signal(object)  # ExportReport

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportWizard")
        self.setWindowTitle("导出迎检资料")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.resize(820, 600)
        self.state = state
        self.estimate: tuple[int, int] | None = None
        self.report: ExportReport | None = None
        self.task: TaskHandle | None = None
        self.setButtonText(QWizard.WizardButton.NextButton, "下一步 >")
        self.setButtonText(QWizard.WizardButton.BackButton, "< 上一步")
        self.setButtonText(QWizard.WizardButton.FinishButton, "完成")
        self.setButtonText(QWizard.WizardButton.CancelButton, "取消")
        self.scope_page = _ScopePage(self)
        self.target_page = _TargetPage(self)
        self.run_page = _RunPage(self)
        for page in (self.scope_page, self.target_page, self.run_page):
            self.addPage(page)

    def request(self) -> ExportRequest:
        s = self.scope_page
        return ExportRequest(s.period.currentData(), self.target_page.target(),
                             s.unit.currentData() if s.by_unit.isChecked() else None,
                             s.standard.currentData() if s.by_standard.isChecked() else None,
                             s.make_zip.isChecked())

    def reject(self) -> None:
        if self.task is not None and self.task.running:
            self.run_page.cancel()  # first cancel the export; closing follows when it stopped
            return
        super().reject()


class _ScopePage(QWizardPage):
    def __init__(self, wizard: ExportWizard) -> None:
        super().__init__()
        self.w = wizard
        state = wizard.state
        self.setTitle("第一步：导出哪些资料")
        self.setSubTitle("资料包按“年度/版块/项目/测评标准”分文件夹存放，附资料目录、测评材料提交表、"
                         "照片说明和可在任何电脑上用浏览器打开的 index.html。")
        self.period = QComboBox()
        self.period.setObjectName("exportPeriod")
        for _pid, label in state.periods:
            self.period.addItem(label, label)
        self.period.setCurrentIndex(max(0, self.period.findData(state.period_label)))
        self.everything = QRadioButton("全部资料")
        self.by_unit = QRadioButton("只导出一个单位的资料")
        self.by_standard = QRadioButton("只导出一个测评指标（含下级）")
        self.everything.setChecked(True)
        group = QButtonGroup(self)
        for b in (self.everything, self.by_unit, self.by_standard):
            group.addButton(b)
        self.unit = QComboBox()
        for u in state.units:
            self.unit.addItem(u.label, u.label)
        self.standard = QComboBox()
        self.standard.setMaxVisibleItems(25)
        with state.session() as s:
            for node in indicator_nodes(s):
                self.standard.addItem(f"{'　' * node.code.count('.')}{node.code} {node.title}",
                                      node.code)
        self.make_zip = QCheckBox("另外生成一个 zip 压缩包（便于网上报送）")
        form = QFormLayout(self)
        form.addRow("台账年度", self.period)
        form.addRow("范围", self.everything)
        row = QHBoxLayout()
        row.addWidget(self.by_unit)
        row.addWidget(self.unit, 1)
        form.addRow("", row)
        row2 = QHBoxLayout()
        row2.addWidget(self.by_standard)
        row2.addWidget(self.standard, 1)
        form.addRow("", row2)
        form.addRow("", self.make_zip)
        note = QLabel("注：有涉密标志且未经审核放行的资料不会导出，导出后会列出。")
        note.setStyleSheet("color: #666")
        form.addRow("", note)

    def isComplete(self) -> bool:  # noqa: N802
        return self.period.count() > 0 and self.period.currentData() is not None


class _TargetPage(QWizardPage):
    def __init__(self, wizard: ExportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("第二步：导出到哪里")
        self.setSubTitle("选择插入的U盘，或电脑上的一个文件夹。再次导出到同一位置时只复制有变化的文件。")
        self.volumes = QListWidget()
        self.volumes.setObjectName("volumeList")
        self.volumes.itemSelectionChanged.connect(self._volume_chosen)
        refresh = QPushButton("刷新U盘列表")
        refresh.clicked.connect(self.fill_volumes)
        self.folder = QLineEdit()
        self.folder.setObjectName("exportFolder")
        self.folder.textChanged.connect(lambda _t: self._update_space())
        browse = QPushButton("选择文件夹…")
        browse.clicked.connect(self._browse)
        self.space = QLabel("")
        self.space.setObjectName("spaceLabel")
        self.space.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("可用的磁盘（U盘排在前面）："))
        layout.addWidget(self.volumes, 1)
        layout.addWidget(refresh, alignment=Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(QLabel("导出到文件夹："))
        layout.addLayout(row)
        layout.addWidget(self.space)
        self._estimating: TaskHandle | None = None

    def initializePage(self) -> None:  # noqa: N802
        self.fill_volumes()
        self.w.estimate = None
        request = self.w.request()
        lib = self.w.state.library()
        self.space.setText("正在估算资料包大小……")
        handle = self.w.state.runner.run(
            lambda _p, _c: estimate_size(lib, request.period, request.unit, request.standard),
            "估算资料包大小")
        handle.success(lambda est, h=handle: self._estimated(est, h))
        handle.failure_handler(lambda f: self.space.setText(f"无法估算：{f.exception}"))
        self._estimating = handle

    def _estimated(self, est: tuple[int, int], handle: TaskHandle) -> None:
        if handle is self._estimating:
            self.w.estimate = est
            self._update_space()

    def fill_volumes(self) -> None:
        self.volumes.clear()
        for v in mounted_volumes():
            item = QListWidgetItem(v.label)
            item.setData(Qt.ItemDataRole.UserRole, v)
            self.volumes.addItem(item)

    def _volume_chosen(self) -> None:
        item = self.volumes.currentItem()
        if item is None:
            return
        volume: Volume = item.data(Qt.ItemDataRole.UserRole)
        self.folder.setText(str(volume.root / self.default_name()))

    def default_name(self) -> str:
        request = self.w.request()
        scope = request.unit or (f"测评指标{request.standard}" if request.standard else "")
        return f"{request.period}年度迎检资料" + (f"-{scope}" if scope else "")

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "选择导出位置")
        if folder:
            self.folder.setText(str(Path(folder) / self.default_name()))

    def target(self) -> Path:
        return Path(self.folder.text().strip())

    def needed(self) -> int | None:
        return int(self.w.estimate[1] * SPACE_MARGIN) if self.w.estimate else None

    def enough_space(self) -> bool:
        needed = self.needed()
        free = free_space(self.target()) if self.folder.text().strip() else None
        return needed is not None and free is not None and free >= needed

    def _update_space(self) -> None:
        if self.w.estimate is None:
            self.completeChanged.emit()
            return
        files, size = self.w.estimate
        text = f"资料包约 {files} 个文件、{human_bytes(size)}。"
        if self.folder.text().strip():
            free = free_space(self.target())
            if free is None:
                text += "无法读取目标磁盘的可用空间。"
            elif self.enough_space():
                text += f"目标磁盘可用 {human_bytes(free)}，空间足够。"
            else:
                text += (f"目标磁盘只剩 {human_bytes(free)}，空间不足：请换用更大的U盘，"
                         "或先清理U盘上的其他文件。")
        self.space.setText(text)
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802
        return bool(self.folder.text().strip()) and self.enough_space()


class _RunPage(QWizardPage):
    def __init__(self, wizard: ExportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("第三步：导出并核对")
        self.setSubTitle("每个文件写入后都会读回核对；全部完成后才写入清单文件。中途取消的资料包会标明"
                         "“未完成”，不会被误当作完整的资料包。")
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.cancel_button = QPushButton("取消导出")
        self.cancel_button.clicked.connect(self.cancel)
        self.result = QLabel("")
        self.result.setObjectName("exportResult")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.open_folder = QPushButton("打开资料包文件夹")
        self.open_folder.clicked.connect(self._open_folder)
        self.open_folder.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button, alignment=Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.result)
        layout.addWidget(self.details, 1)
        layout.addWidget(self.open_folder, alignment=Qt.AlignmentFlag.AlignLeft)

    def initializePage(self) -> None:  # noqa: N802
        self.w.report = None
        self.result.setText("")
        self.details.clear()
        self.bar.setValue(0)
        self.cancel_button.setEnabled(True)
        request = self.w.request()
        lib = self.w.state.library()
        self.message.setText(f"正在导出到 {request.out_dir} ……")
        handle = self.w.state.runner.run(
            lambda progress, cancel: run_export(lib, request, progress, cancel), "导出迎检资料")
        handle.progressed.connect(self._progress)
        handle.success(self._done)
        handle.failure_handler(self._failed)
        handle.finished.connect(lambda: self.cancel_button.setEnabled(False))
        self.w.task = handle

    def _progress(self, event: ProgressEvent) -> None:
        if event.total:
            self.bar.setValue(int(1000 * min(event.done, event.total) / event.total))
        if event.message:
            self.message.setText(event.message)

    def cancel(self) -> None:
        if self.w.task is not None and self.w.task.running:
            self.w.task.cancel()
            self.cancel_button.setEnabled(False)
            self.message.setText("正在取消……（当前文件写完后停止）")

    def _done(self, report: ExportReport) -> None:
        self.w.report = report
        self.cancel_button.setEnabled(False)
        head, details = export_summary(report)
        colour = "#2e7d32" if report.ok else "#c0392b"
        self.result.setText(f'<span style="color:{colour}; font-weight:bold">'
                            f"{'✔ ' if report.ok else '✘ '}{head}</span>")
        self.details.setPlainText(details)
        if report.ok:
            self.bar.setValue(1000)
            self.message.setText("导出完成。")
        self.open_folder.setEnabled(Path(report.out_dir).exists())
        self.completeChanged.emit()
        self.w.exported.emit(report)

    def _failed(self, failure: TaskFailure) -> None:
        self.cancel_button.setEnabled(False)
        self.result.setText(f'<span style="color:#c0392b; font-weight:bold">✘ 导出失败：'
                            f"{failure.exception}</span>")
        self.details.setPlainText(failure.details)
        self.completeChanged.emit()

    def _open_folder(self) -> None:
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        if self.w.report is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.w.report.out_dir)))

    def isComplete(self) -> bool:  # noqa: N802
        return self.w.task is not None and not self.w.task.running

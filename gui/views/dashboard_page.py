"""The 查漏补缺 page: totals and score preview, bars per block and per unit, what is missing,
the quality findings, and the to-do lists for every unit."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from archive.check import COMPLETE, MISSING, PARTIAL, CheckReport
from archive.check.score import percent
from gui import messages
from gui.itemmodels.check_tables import (
    F_MESSAGE,
    S_LACKING,
    S_TITLE,
    DocumentIdRole,
    FindingRole,
    FindingsModel,
    IndicatorIdRole,
    OpenStandardsModel,
)
from gui.operations.check import (
    accept,
    check_period,
    unaccept,
    write_todo_lists,
    write_todo_notices,
)
from gui.state import AppState
from gui.tasks import TaskHandle
from gui.views.bar_chart import Bar, BarChart
from gui.views.progress import run_with_progress


def _table(model: OpenStandardsModel | FindingsModel, stretch: int) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    view.setAlternatingRowColors(True)
    return view


class DashboardPage(QWidget):
    indicatorRequested = Signal(int)
    documentRequested = Signal(int)
    checked = Signal(object)  # CheckReport

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboardPage")
        self.state = state
        self.report: CheckReport | None = None
        self._stale = True
        self._task: TaskHandle | None = None
        self.heading = QLabel("查漏补缺")
        self.heading.setStyleSheet("font-size: 14pt; font-weight: bold")
        self.summary = QLabel("")
        self.summary.setObjectName("checkSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.targets = QLabel("")
        self.targets.setWordWrap(True)
        self.refresh_button = QPushButton("重新检查")
        self.refresh_button.clicked.connect(self.refresh)
        self.todo_button = QPushButton("生成各单位督办表（Excel）…")
        self.todo_button.setObjectName("todoButton")
        self.todo_button.clicked.connect(self.choose_todo_path)
        self.notice_button = QPushButton("生成督办通知（Word）…")
        self.notice_button.clicked.connect(self.choose_notice_folder)
        head = QHBoxLayout()
        head.addWidget(self.heading, 1)
        head.addWidget(self.refresh_button)
        head.addWidget(self.todo_button)
        head.addWidget(self.notice_button)

        self.blocks = BarChart()
        self.blocks.setObjectName("blockBars")
        self.units = BarChart()
        self.units.setObjectName("unitBars")
        blocks_box = QGroupBox("各版块（按测评标准条数）")
        QVBoxLayout(blocks_box).addWidget(self.blocks)
        units_scroll = QScrollArea()
        units_scroll.setWidgetResizable(True)
        units_scroll.setWidget(self.units)
        units_box = QGroupBox("各单位（承担的测评标准；点击只看该单位）")
        QVBoxLayout(units_box).addWidget(units_scroll)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(blocks_box)
        left_layout.addWidget(units_box, 1)

        self.standards_model = OpenStandardsModel(self)
        self.standards = _table(self.standards_model, S_LACKING)
        self.standards.setObjectName("openStandards")
        self.standards.horizontalHeader().resizeSection(S_TITLE, 260)
        self.standards.doubleClicked.connect(self._standard_activated)
        self.findings_model = FindingsModel(self)
        self.findings = _table(self.findings_model, F_MESSAGE)
        self.findings.setObjectName("findingsTable")
        self.findings.doubleClicked.connect(self._finding_activated)
        self.accept_button = QPushButton("接受此问题…")
        self.accept_button.clicked.connect(self.accept_selected)
        self.unaccept_button = QPushButton("撤销接受")
        self.unaccept_button.clicked.connect(self.unaccept_selected)
        findings_page = QWidget()
        fl = QVBoxLayout(findings_page)
        fl.setContentsMargins(0, 0, 0, 0)
        fl.addWidget(self.findings)
        fb = QHBoxLayout()
        fb.addWidget(QLabel("双击查看文件。接受的问题仍会列出，但不再计入。"), 1)
        fb.addWidget(self.accept_button)
        fb.addWidget(self.unaccept_button)
        fl.addLayout(fb)
        self.lists = QTabWidget()
        self.lists.addTab(self.standards, "缺失和不全的测评标准")
        self.lists.addTab(findings_page, "质量问题")
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.lists)
        splitter.setSizes([520, 760])
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.summary)
        layout.addWidget(self.targets)
        layout.addWidget(splitter, 1)
        self.units.barClicked.connect(lambda unit_id: self.state.set_unit(unit_id))
        self.blocks.barClicked.connect(self.indicatorRequested.emit)
        for signal in (state.libraryChanged, state.filterChanged, state.documentsChanged,
                       state.documentsProcessed, state.frameworkChanged):
            signal.connect(self._invalidate)
        self._set_buttons()

    # -- running the check ------------------------------------------------------------------
    def _invalidate(self, *_args: object) -> None:
        self._stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event) -> None:  # noqa: ANN001, N802
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> TaskHandle | None:
        period = self.state.period_label
        if not self.state.has_library or period is None:
            self._show(None)
            self.summary.setText("尚无台账年度：导入资料后即可检查。")
            return None
        if self._task is not None and self._task.running:
            self._task.cancel()
        lib, unit = self.state.library(), self.state.unit_name
        self._stale = False
        self.summary.setText("正在检查……")
        handle = self.state.runner.run(
            lambda progress, cancel: check_period(lib, period, unit, progress, cancel),
            "查漏补缺")
        handle.success(lambda report, h=handle: self._checked(report, h))
        handle.failure_handler(messages.failure_reporter(self, "检查失败"))
        self._task = handle
        return handle

    def _checked(self, report: CheckReport, handle: TaskHandle) -> None:
        if handle is self._task:
            self._show(report)
            self.checked.emit(report)

    def _show(self, report: CheckReport | None) -> None:
        self.report = report
        self.standards_model.load(report)
        self.findings_model.load(report)
        self._set_buttons()
        if report is None:
            self.blocks.set_bars([])
            self.units.set_bars([])
            self.targets.setText("")
            return
        s, score = report.summary, report.score
        who = f"（{report.unit}）" if report.unit else "（全部单位）"
        self.heading.setText(f"{report.period} 年度查漏补缺{who}")
        text = (f"测评标准 {s['standards']} 条：齐全 {s['complete']}，不全 {s['partial']}，"
                f"缺失 {s['missing']}，齐全率 {percent(s['complete_ratio'])}；"
                f"按分值计 {percent(score['weighted_ratio'])}（{score['points']:g} / "
                f"{score['max_points']:g} 分）。资料 {s['documents']} 件，"
                f"待处理问题 {s['findings']} 个，已接受 {s['accepted']} 个。")
        if s.get("pending"):
            text += (f"\n注意：{s['pending']} 个文件尚未提取文字，涉密标志、无文字层等检查"
                     "要等提取完成后才完整。")
        self.summary.setText(text)
        self.targets.setText("；".join(
            f"{t['stage']}目标 {percent(t['target'])}："
            + ("已达到" if t["met"] else f"未达到，还需完成 {t['needed']} 条")
            for t in score["targets"]))
        self.lists.setTabText(0, f"缺失和不全的测评标准（{self.standards_model.rowCount()}）")
        self.lists.setTabText(1, f"质量问题（{s['findings']}）")
        self.blocks.set_bars(self._block_bars(report),
                             [(t["stage"], t["target"]) for t in score["targets"]])
        self.units.set_bars(self._unit_bars(report))

    def _block_bars(self, report: CheckReport) -> list[Bar]:
        ids = self._block_ids()
        return [Bar(f"{b['code']} {b['title']}", b["complete"], b["partial"], b["missing"],
                    ids.get(b["code"]),
                    f"{b['title']}\n齐全 {b['complete']}，不全 {b['partial']}，缺失 {b['missing']}"
                    f"\n按分值计 {percent(b['weighted_ratio'])}")
                for b in report.score["blocks"]]

    def _block_ids(self) -> dict[str, int]:
        from gui.queries.tree import indicator_nodes

        with self.state.session() as s:
            return {n.code: n.id for n in indicator_nodes(s) if n.parent_id is None}

    @staticmethod
    def _unit_bars(report: CheckReport) -> list[Bar]:
        bars = []
        for u in report.units:
            counts = {COMPLETE: 0, PARTIAL: 0, MISSING: 0}
            for item in u.items:
                counts[item.standard.status] = counts.get(item.standard.status, 0) + 1
            if not u.items and not u.findings:
                continue
            bars.append(Bar(u.name, counts[COMPLETE], counts[PARTIAL], counts[MISSING], u.id,
                            f"{u.name}：承担 {len(u.items)} 条，未齐全 {len(u.open_items)} 条，"
                            f"待改正问题 {len(u.open_findings)} 个"))
        return bars

    def _set_buttons(self) -> None:
        has = self.report is not None
        for b in (self.todo_button, self.notice_button, self.accept_button,
                  self.unaccept_button):
            b.setEnabled(has)

    # -- lists ------------------------------------------------------------------------------
    def _standard_activated(self, index: QModelIndex) -> None:
        self.indicatorRequested.emit(int(index.data(IndicatorIdRole)))

    def _finding_activated(self, index: QModelIndex) -> None:
        self.documentRequested.emit(int(index.data(DocumentIdRole)))

    def _selected_finding(self):  # noqa: ANN202
        index = self.findings.currentIndex()
        return index.data(FindingRole) if index.isValid() else None

    def accept_selected(self, reason: str | None = None) -> None:
        finding = self._selected_finding()
        if finding is None or finding.accepted:
            return
        if reason is None:
            reason, ok = QInputDialog.getText(
                self, "接受问题", f"【{finding.kind_label}】{finding.message}\n\n接受的理由：")
            if not ok:
                return
        try:
            accept(self.state.library(), finding.kind, finding.document_id, reason)
        except Exception as exc:  # noqa: BLE001
            messages.show_error(self, "未能接受此问题", exc)
            return
        self.state.documents_changed([finding.document_id], run_hooks=False)

    def unaccept_selected(self) -> None:
        finding = self._selected_finding()
        if finding is None or not finding.accepted:
            return
        unaccept(self.state.library(), finding.kind, finding.document_id)
        self.state.documents_changed([finding.document_id], run_hooks=False)

    # -- to-do lists --------------------------------------------------------------------------
    def choose_todo_path(self) -> None:
        if self.report is None:
            return
        name = f"{self.report.period}年度查漏补缺督办表.xlsx"
        path, _ = QFileDialog.getSaveFileName(self, "保存督办表", str(Path.home() / name),
                                              "Excel 工作簿 (*.xlsx)")
        if path:
            self.write_todo(Path(path))

    def write_todo(self, path: Path) -> TaskHandle:
        lib, report = self.state.library(), self.report
        assert report is not None
        handle = run_with_progress(self.state.runner, self, "生成督办表",
                                   lambda _p, _c: write_todo_lists(lib, report, path))
        handle.success(lambda p: messages.show_info(
            self, "督办表已生成", f"已生成 {Path(p).name}",
            f"位置：{p}\n汇总表之后，每个单位一张督办单。", str(p)))
        handle.failure_handler(messages.failure_reporter(self, "生成督办表失败"))
        return handle

    def choose_notice_folder(self) -> None:
        if self.report is None:
            return
        folder = QFileDialog.getExistingDirectory(self, "选择保存督办通知的文件夹")
        if folder:
            self.write_notices(Path(folder))

    def write_notices(self, folder: Path) -> TaskHandle:
        lib, report = self.state.library(), self.report
        assert report is not None
        handle = run_with_progress(self.state.runner, self, "生成督办通知",
                                   lambda _p, _c: write_todo_notices(lib, report, folder))
        handle.success(lambda paths: messages.show_info(
            self, "督办通知已生成", f"已为 {len(paths)} 个单位生成督办通知。", f"位置：{folder}",
            "\n".join(str(p) for p in paths)))
        handle.failure_handler(messages.failure_reporter(self, "生成督办通知失败"))
        return handle

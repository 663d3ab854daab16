"""Settings that travel with the library: organisation, stage targets, the periods' dates."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from archive.errors import CivLedgerError
from gui import messages
from gui.operations.library import read_settings, save_settings
from gui.state import AppState


def _qdate(d: dt.date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> dt.date:
    return dt.date(q.year(), q.month(), q.day())


def _date_edit(d: dt.date) -> QDateEdit:
    edit = QDateEdit(_qdate(d))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


class SettingsDialog(QDialog):
    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("资料库设置")
        self.setMinimumWidth(600)
        self.state = state
        current = read_settings(state.library())
        self.organisation = QLineEdit(current.organisation)
        self.organisation.setObjectName("organisation")
        self.organisation.setPlaceholderText("例如 ××区文明办（印在导出的目录和督办通知上）")
        self.targets: dict[str, QDoubleSpinBox] = {}
        target_row = QHBoxLayout()
        for stage, value in current.stage_targets.items():
            spin = QDoubleSpinBox()
            spin.setRange(0, 100)
            spin.setDecimals(0)
            spin.setSuffix(" %")
            spin.setValue(round(value * 100))
            self.targets[stage] = spin
            target_row.addWidget(QLabel(stage))
            target_row.addWidget(spin)
        target_row.addStretch(1)
        form = QFormLayout()
        form.addRow("单位名称", self.organisation)
        form.addRow("阶段目标", target_row)
        form.addRow("", QLabel("阶段目标：测评标准资料齐全（按分值计）应达到的比例。"))

        self.period_edits: dict[int, tuple[QDateEdit, QDateEdit]] = {}
        self.stage_boxes: dict[str, QComboBox] = {}
        periods = QGroupBox("台账年度（测评年度可以不是自然年，例如 2022-08-01 至 2023-07-31）")
        self.period_grid = QGridLayout(periods)
        for col, head in enumerate(("年度", "开始日期", "结束日期", "所处阶段")):
            self.period_grid.addWidget(QLabel(head), 0, col)
        for pid, label, start, end in current.periods:
            start_edit, end_edit = _date_edit(start), _date_edit(end)
            stage = self._stage_box(current.period_stages.get(label, ""))
            self._add_row(QLabel(label), start_edit, end_edit, stage)
            self.period_edits[pid] = (start_edit, end_edit)
            self.stage_boxes[label] = stage
        self.new_periods: list[tuple[QLineEdit, QDateEdit, QDateEdit, QComboBox]] = []
        add = QPushButton("添加年度")
        add.clicked.connect(self.add_period_row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(periods)
        layout.addWidget(add, alignment=Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        layout.addWidget(buttons)

    def _stage_box(self, current: str) -> QComboBox:
        box = QComboBox()
        box.addItem("（未设置）", "")
        for stage in self.targets:
            box.addItem(stage, stage)
        box.setCurrentIndex(max(0, box.findData(current)))
        return box

    def _add_row(self, label: QWidget, start: QDateEdit, end: QDateEdit, stage: QComboBox
                 ) -> None:
        row = self.period_grid.rowCount()
        for col, widget in enumerate((label, start, end, stage)):
            self.period_grid.addWidget(widget, row, col)

    def add_period_row(self) -> tuple[QLineEdit, QDateEdit, QDateEdit, QComboBox]:
        labels = {lb for _pid, lb in self.state.periods}
        year = dt.date.today().year
        while str(year) in labels or any(e[0].text() == str(year) for e in self.new_periods):
            year += 1
        label = QLineEdit(str(year))
        row = (label, _date_edit(dt.date(year, 1, 1)), _date_edit(dt.date(year, 12, 31)),
               self._stage_box(""))
        self._add_row(*row)
        self.new_periods.append(row)
        return row

    def save(self) -> None:
        stages = {label: box.currentData() for label, box in self.stage_boxes.items()}
        for label, _s, _e, box in self.new_periods:
            if label.text().strip():
                stages[label.text().strip()] = box.currentData()
        try:
            save_settings(
                self.state.library(),
                self.organisation.text(),
                {stage: spin.value() / 100 for stage, spin in self.targets.items()},
                stages,
                {pid: (_pydate(s.date()), _pydate(e.date()))
                 for pid, (s, e) in self.period_edits.items()},
                [(label.text().strip(), _pydate(s.date()), _pydate(e.date()))
                 for label, s, e, _b in self.new_periods if label.text().strip()],
            )
        except CivLedgerError as exc:
            messages.show_error(self, "设置未保存", exc)
            return
        self.state.reload_choices()
        self.state.filterChanged.emit()
        self.accept()

"""The main toolbar: library name, period and unit filters, search box, the three big actions."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QSizePolicy, QToolBar, QWidget

from gui.state import AppState


class MainToolBar(QToolBar):
    searchRequested = Signal(str)

    def __init__(self, state: AppState, actions: list[QAction | None],
                 parent: QWidget | None = None) -> None:
        super().__init__("主工具栏", parent)
        self.setObjectName("mainToolBar")
        self.setMovable(False)
        self.setIconSize(QSize(20, 20))
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.state = state
        self.library_label = QLabel("未打开资料库")
        self.library_label.setObjectName("libraryName")
        self.library_label.setStyleSheet("font-weight: bold; font-size: 11pt; padding: 0 8px")
        self.period = QComboBox()
        self.period.setObjectName("periodCombo")
        self.period.setToolTip("台账年度")
        self.period.setMinimumContentsLength(8)
        self.unit = QComboBox()
        self.unit.setObjectName("unitCombo")
        self.unit.setToolTip("只看某个单位的资料")
        self.unit.setMinimumContentsLength(10)
        self.unit.setMaxVisibleItems(25)
        self.search = QLineEdit()
        self.search.setObjectName("searchBox")
        self.search.setPlaceholderText("全文检索（Ctrl+F），回车搜索")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(220)
        self.search.setMaximumWidth(360)
        self.addWidget(self.library_label)
        self.addSeparator()
        self.addWidget(QLabel(" 年度 "))
        self.addWidget(self.period)
        self.addWidget(QLabel(" 单位 "))
        self.addWidget(self.unit)
        self.addSeparator()
        for action in actions:
            if action is None:
                self.addSeparator()
            else:
                self.addAction(action)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.addWidget(spacer)
        self.addWidget(self.search)
        self.period.currentIndexChanged.connect(self._period_chosen)
        self.unit.currentIndexChanged.connect(self._unit_chosen)
        self.search.returnPressed.connect(lambda: self.searchRequested.emit(self.search.text()))
        state.libraryChanged.connect(self.refresh)
        state.periodsChanged.connect(self.refresh)
        state.filterChanged.connect(self.refresh)
        self._filling = False

    def refresh(self) -> None:
        """Fill the filters from the state (a new library, a new period or unit)."""
        self._filling = True
        lib = self.state.lib
        self.library_label.setText(f"资料库：{lib.name}" if lib else "未打开资料库")
        self.library_label.setToolTip(str(lib.root) if lib else "")
        self.period.clear()
        if not self.state.periods:
            self.period.addItem("（尚无年度）", None)
        for pid, label in self.state.periods:
            self.period.addItem(f"{label} 年度" if label.isdigit() else label, pid)
        self.period.setCurrentIndex(max(0, self.period.findData(self.state.period_id)))
        self.unit.clear()
        self.unit.addItem("全部单位", None)
        for u in self.state.units:
            self.unit.addItem(u.label, u.id)
        self.unit.setCurrentIndex(max(0, self.unit.findData(self.state.unit_id)))
        enabled = lib is not None
        for w in (self.period, self.unit, self.search):
            w.setEnabled(enabled)
        self._filling = False

    def _period_chosen(self, index: int) -> None:
        if not self._filling and index >= 0:
            self.state.set_period(self.period.itemData(index))

    def _unit_chosen(self, index: int) -> None:
        if not self._filling and index >= 0:
            self.state.set_unit(self.unit.itemData(index))

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

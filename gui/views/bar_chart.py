"""Horizontal stacked bars (齐全 / 不全 / 缺失 per block or unit), painted with QPainter.

Painted rather than QtCharts so the application needs only pyside6-essentials.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from gui.itemmodels.badges import COMPLETE, MISSING, PARTIAL, status_colour

ROW_HEIGHT = 26
LABEL_WIDTH = 220
VALUE_WIDTH = 150
LEGEND_HEIGHT = 22


@dataclass(frozen=True)
class Bar:
    label: str
    complete: int
    partial: int
    missing: int
    key: object = None  # what a click on the bar selects (a block code, a unit id)
    tooltip: str = ""

    @property
    def total(self) -> int:
        return self.complete + self.partial + self.missing

    @property
    def ratio(self) -> float:
        return self.complete / self.total if self.total else 0.0


class BarChart(QWidget):
    barClicked = Signal(object)  # the bar's key

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bars: list[Bar] = []
        self.targets: list[tuple[str, float]] = []  # vertical lines: (label, share 0–1)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)

    def set_bars(self, bars: list[Bar], targets: list[tuple[str, float]] | None = None) -> None:
        self.bars = list(bars)
        self.targets = list(targets or [])
        self.setMinimumHeight(self._height())
        self.updateGeometry()
        self.update()

    def _height(self) -> int:
        return ROW_HEIGHT * max(1, len(self.bars)) + LEGEND_HEIGHT

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(600, self._height())

    def _bar_rect(self, row: int) -> QRectF:
        width = max(40, self.width() - LABEL_WIDTH - VALUE_WIDTH - 16)
        return QRectF(LABEL_WIDTH + 8, row * ROW_HEIGHT + 5, width, ROW_HEIGHT - 10)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = painter.fontMetrics()
        text_colour = self.palette().windowText().color()
        if not self.bars:
            painter.setPen(text_colour)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "（无数据）")
            return
        for row, bar in enumerate(self.bars):
            rect = self._bar_rect(row)
            painter.setPen(text_colour)
            label = fm.elidedText(bar.label, Qt.TextElideMode.ElideRight, LABEL_WIDTH - 4)
            painter.drawText(QRectF(4, row * ROW_HEIGHT, LABEL_WIDTH, ROW_HEIGHT),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, label)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#eeeeee"))
            painter.drawRoundedRect(rect, 3, 3)
            x = rect.left()
            for count, status in ((bar.complete, COMPLETE), (bar.partial, PARTIAL),
                                  (bar.missing, MISSING)):
                if not count or not bar.total:
                    continue
                w = rect.width() * count / bar.total
                painter.setBrush(status_colour(status))
                painter.drawRect(QRectF(x, rect.top(), w, rect.height()))
                x += w
            painter.setPen(text_colour)
            painter.drawText(QRectF(rect.right() + 8, row * ROW_HEIGHT, VALUE_WIDTH, ROW_HEIGHT),
                             Qt.AlignmentFlag.AlignVCenter,
                             f"{bar.complete}/{bar.total} 齐全（{bar.ratio:.0%}）")
        bottom = len(self.bars) * ROW_HEIGHT
        for _label, share in self.targets:
            rect = self._bar_rect(0)
            x = rect.left() + rect.width() * share
            painter.setPen(QPen(QColor("#34495e"), 1, Qt.PenStyle.DashLine))
            painter.drawLine(int(x), 2, int(x), bottom - 4)
        self._legend(painter, bottom, text_colour)
        painter.end()

    def _legend(self, painter: QPainter, top: int, text_colour: QColor) -> None:
        """Colours, and the stage targets the dashed lines mark."""
        x = 8
        fm = painter.fontMetrics()
        for status, word in ((COMPLETE, "齐全"), (PARTIAL, "不全"), (MISSING, "缺失")):
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(status_colour(status))
            painter.drawRect(QRectF(x, top + 7, 10, 10))
            painter.setPen(text_colour)
            painter.drawText(QRectF(x + 14, top, 60, LEGEND_HEIGHT),
                             Qt.AlignmentFlag.AlignVCenter, word)
            x += 18 + fm.horizontalAdvance(word) + 8
        if self.targets:
            text = "虚线：阶段目标 " + "　".join(f"{lb} {v:.0%}" for lb, v in self.targets)
            painter.drawText(QRectF(x + 8, top, self.width() - x, LEGEND_HEIGHT),
                             Qt.AlignmentFlag.AlignVCenter, text)

    def bar_at(self, y: float) -> Bar | None:
        row = int(y // ROW_HEIGHT)
        return self.bars[row] if 0 <= row < len(self.bars) else None

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        bar = self.bar_at(event.position().y())
        self.setToolTip(bar.tooltip or bar.label if bar else "")
        self.setCursor(Qt.CursorShape.PointingHandCursor if bar and bar.key is not None
                       else Qt.CursorShape.ArrowCursor)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        bar = self.bar_at(event.position().y())
        if bar is not None and bar.key is not None:
            self.barClicked.emit(bar.key)

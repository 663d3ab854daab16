"""The completion badge: a coloured dot and a word for complete / partial / missing."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from archive.check import COMPLETE, MISSING, PARTIAL, STATUS_LABELS

LABELS: dict[str | None, str] = {**STATUS_LABELS, None: ""}
COLOURS = {COMPLETE: "#2e9e44", PARTIAL: "#e6a23c", MISSING: "#d9534f", None: "#b0b0b0"}


def status_label(status: str | None) -> str:
    return LABELS.get(status, "")


def status_colour(status: str | None) -> QColor:
    return QColor(COLOURS.get(status, COLOURS[None]))


@cache
def status_icon(status: str | None, size: int = 12) -> QIcon:
    """Painted, not loaded: no resource file, sharp at any device pixel ratio."""
    icon = QIcon()
    for ratio in (1, 2):
        pix = QPixmap(size * ratio, size * ratio)
        pix.setDevicePixelRatio(ratio)
        pix.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pix)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(status_colour(status))
        painter.drawEllipse(1, 1, size - 2, size - 2)
        painter.end()
        icon.addPixmap(pix)
    return icon

"""The status bar's view of background work (text extraction, indexing): what, how far, stop."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

from archive.progress import ProgressEvent
from gui.tasks import TaskHandle


class BackgroundStatus(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("backgroundStatus")
        self.handle: TaskHandle | None = None
        self.label = QLabel("")
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(160)
        self.bar.setMaximumHeight(14)
        self.bar.setTextVisible(False)
        self.stop = QToolButton()
        self.stop.setText("停止")
        self.stop.setToolTip("停止后台处理；下次打开资料库时会继续")
        self.stop.clicked.connect(self._stop)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.stop)
        self.setVisible(False)

    def track(self, handle: TaskHandle) -> None:
        self.handle = handle
        self.label.setText(handle.title)
        self.bar.setRange(0, 0)
        self.stop.setEnabled(True)
        self.setVisible(True)
        handle.progressed.connect(self._progress)
        handle.finished.connect(lambda h=handle: self._finished(h))

    def _progress(self, event: ProgressEvent) -> None:
        if event.total > 0:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(1000 * min(event.done, event.total) / event.total))
            self.label.setText(f"{self.handle.title if self.handle else ''} "
                               f"{event.done}/{event.total}")
        else:
            self.bar.setRange(0, 0)

    def _finished(self, handle: TaskHandle) -> None:
        if handle is self.handle:
            self.setVisible(False)
            self.handle = None

    def _stop(self) -> None:
        if self.handle is not None:
            self.handle.cancel()
            self.stop.setEnabled(False)
            self.label.setText("正在停止……")

"""A progress window for one task: what is being done, how far, time left, and a cancel button.

It appears only when the work lasts longer than a moment (no flicker for a quick backup) and is
window-modal: the clerk cannot start a second import meanwhile, but the window keeps repainting
because the work runs in a worker thread.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from archive.progress import ProgressEvent
from gui.tasks import TaskHandle, TaskRunner, Work

SHOW_AFTER_MS = 400


def format_seconds(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} 秒"
    minutes, sec = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} 分 {sec} 秒"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} 小时 {minutes} 分"


def format_size(size: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


class ProgressDialog(QDialog):
    def __init__(self, handle: TaskHandle, parent: QWidget | None = None,
                 cancellable: bool = True, show_after_ms: int = SHOW_AFTER_MS) -> None:
        super().__init__(parent)
        self.setObjectName("progressDialog")
        self.handle = handle
        self.setWindowTitle(handle.title or "请稍候")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(460)
        self._started = time.monotonic()
        self.title_label = QLabel(handle.title)
        self.title_label.setStyleSheet("font-weight: bold")
        self.message = QLabel("正在准备……")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.eta = QLabel("")
        self.cancel_button = QPushButton("取消")
        self.cancel_button.setEnabled(cancellable)
        self.cancel_button.clicked.connect(self._cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(self.message)
        layout.addWidget(self.bar)
        layout.addWidget(self.eta)
        layout.addWidget(self.cancel_button, alignment=Qt.AlignmentFlag.AlignRight)
        handle.progressed.connect(self.update_progress)
        handle.finished.connect(self._finish)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._show_if_running)
        self._timer.start(show_after_ms)

    def _show_if_running(self) -> None:
        if self.handle.running:
            self.show()

    def _cancel(self) -> None:
        self.handle.cancel()
        self.cancel_button.setEnabled(False)
        self.message.setText("正在取消，请稍候（当前文件处理完后停止）……")

    def reject(self) -> None:  # Esc / the window's close button mean "cancel"
        if self.handle.running and self.cancel_button.isEnabled():
            self._cancel()

    def update_progress(self, event: ProgressEvent) -> None:
        if event.total > 0:
            # QProgressBar holds ints; byte counts of a large export need scaling to permille.
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(1000 * min(event.done, event.total) / event.total))
            done = format_size(event.done) if event.unit == "bytes" else str(event.done)
            total = format_size(event.total) if event.unit == "bytes" else str(event.total)
            self.bar.setFormat(f"{done} / {total}（%p%）")
            elapsed = time.monotonic() - self._started
            if event.done > 0 and elapsed > 1.0 and event.done < event.total:
                left = elapsed / event.done * (event.total - event.done)
                self.eta.setText(f"已用 {format_seconds(elapsed)}，预计还需 {format_seconds(left)}")
        else:
            self.bar.setRange(0, 0)
        if event.message and self.handle.running and not self.handle.cancelled:
            self.message.setText(event.message)

    def _finish(self) -> None:
        self._timer.stop()
        self.accept()
        self.deleteLater()


def run_with_progress(runner: TaskRunner, parent: QWidget | None, title: str, fn: Work, *,
                      cancellable: bool = True, show_after_ms: int = SHOW_AFTER_MS,
                      serial: bool = False) -> TaskHandle:
    """Start ``fn`` on ``runner`` and attach a progress window; returns the task handle."""
    handle = runner.run(fn, title, serial=serial)
    ProgressDialog(handle, parent, cancellable=cancellable, show_after_ms=show_after_ms)
    return handle

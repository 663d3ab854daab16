"""The worker API: results, progress and failures arrive on the UI thread; cancel works."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from archive.errors import Cancelled, CivLedgerError
from archive.progress import ProgressEvent
from gui.tasks import TaskFailure, TaskRunner
from gui.views.progress import ProgressDialog, format_seconds, format_size


def _ui_thread() -> QThread:
    return QApplication.instance().thread()


def test_result_and_progress_are_delivered_on_the_ui_thread(qtbot) -> None:
    runner = TaskRunner()
    worker_threads: list[int] = []
    seen: list[tuple[str, bool]] = []

    def work(progress, cancel) -> int:  # noqa: ANN001
        worker_threads.append(threading.get_ident())
        for i in range(3):
            progress(ProgressEvent(i + 1, 3, f"第 {i + 1} 个"))
        return 42

    handle = runner.run(work, "测试")
    handle.progressed.connect(
        lambda e: seen.append((e.message, QThread.currentThread() is _ui_thread())))
    handle.success(lambda r: seen.append((f"result {r}", QThread.currentThread() is _ui_thread())))
    with qtbot.waitSignal(handle.finished, timeout=5000):
        pass
    assert worker_threads and worker_threads[0] != threading.get_ident()
    assert ("result 42", True) in seen
    # The final event always arrives (intermediate ones may be throttled), on the UI thread.
    assert ("第 3 个", True) in seen
    assert all(on_ui for _m, on_ui in seen)
    assert handle.result == 42 and not handle.running


def test_failure_carries_the_exception_and_traceback(qtbot) -> None:
    runner = TaskRunner()
    failures: list[TaskFailure] = []

    def work(progress, cancel):  # noqa: ANN001, ANN202
        raise CivLedgerError("文件“甲.docx”无法读取")

    handle = runner.run(work, "失败的任务", on_failure=failures.append)
    with qtbot.waitSignal(handle.finished, timeout=5000):
        pass
    assert len(failures) == 1
    assert str(failures[0].exception) == "文件“甲.docx”无法读取"
    assert "CivLedgerError" in failures[0].details


def test_cancel_reaches_the_worker_through_the_token(qtbot) -> None:
    runner = TaskRunner()
    started = threading.Event()
    failures: list[TaskFailure] = []

    def work(progress, cancel):  # noqa: ANN001, ANN202
        started.set()
        while True:
            cancel.raise_if_cancelled()
            QThread.msleep(5)

    handle = runner.run(work, "长任务", on_failure=failures.append)
    assert started.wait(5)
    handle.cancel()
    with qtbot.waitSignal(handle.finished, timeout=5000):
        pass
    assert isinstance(failures[0].exception, Cancelled)


def test_progress_dialog_cancel_button_cancels_the_task(qtbot) -> None:
    runner = TaskRunner()
    release = threading.Event()

    def work(progress, cancel):  # noqa: ANN001, ANN202
        progress(ProgressEvent(1, 4, "甲.docx"))
        release.wait(5)
        cancel.raise_if_cancelled()
        return "done"

    handle = runner.run(work, "导入")
    dialog = ProgressDialog(handle, show_after_ms=0)
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    qtbot.waitUntil(lambda: dialog.bar.value() == 250, timeout=5000)
    assert dialog.message.text() == "甲.docx"
    dialog.cancel_button.click()
    assert handle.cancelled and not dialog.cancel_button.isEnabled()
    release.set()
    with qtbot.waitSignal(handle.finished, timeout=5000):
        pass
    assert handle.result is None and isinstance(handle.failure.exception, Cancelled)


@pytest.mark.parametrize(("seconds", "text"), [(5, "5 秒"), (125, "2 分 5 秒"),
                                               (7300, "2 小时 1 分")])
def test_format_seconds(seconds: float, text: str) -> None:
    assert format_seconds(seconds) == text


def test_format_size() -> None:
    assert format_size(512) == "512 B"
    assert format_size(5 * 1024 * 1024) == "5.0 MB"

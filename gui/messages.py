"""Dialogs that tell the clerk something: errors (with copyable details), notices, confirmations.

Errors say what happened and what to do; the technical part (traceback, file paths) sits in the
"显示详细信息" section, selectable so it can be pasted into a support mail. Message boxes are
opened window-modal without a nested event loop (``open``), so a worker's results keep arriving
while one is shown; only ``confirm`` waits for the answer.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from archive.errors import Cancelled, CivLedgerError
from gui.operations.busy import is_busy
from gui.tasks import TaskFailure

ADVICE_UNEXPECTED = ("这是程序内部错误，资料库中已保存的内容不受影响。"
                     "请点“显示详细信息”，复制其中的内容发给技术支持。")


def _box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str,
         informative: str = "", details: str = "") -> QMessageBox:
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if informative:
        box.setInformativeText(informative)
    if details:
        box.setDetailedText(details)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    return box


def show_error(parent: QWidget | None, what: str, error: BaseException | TaskFailure | str,
               details: str = "") -> QMessageBox:
    """Show "<what>" with the reason; CivLedgerError messages are already meant for the clerk."""
    if isinstance(error, TaskFailure):
        details = details or error.details
        error = error.exception
    if isinstance(error, CivLedgerError):
        informative = str(error)
        details = details or str(error)
    elif isinstance(error, str):
        informative = error
    elif is_busy(error):
        informative = ("资料库正忙：后台正在提取文字或导入，或另一台电脑正在写入同一资料库。"
                       "刚才的修改没有保存，请稍等片刻再试一次。")
        details = details or repr(error)
    elif isinstance(error, OSError):
        name = f"（{error.filename}）" if error.filename else ""
        informative = (f"读写文件时出错{name}：{error.strerror or error}。"
                       "请检查文件是否被其他程序占用、磁盘是否已满或是否有访问权限。")
        details = details or repr(error)
    else:
        informative = f"{type(error).__name__}: {error}\n\n{ADVICE_UNEXPECTED}"
    box = _box(parent, QMessageBox.Icon.Critical, "创文台账 - 出错了", what, informative, details)
    box.setObjectName("errorDialog")
    box.open()
    return box


def show_info(parent: QWidget | None, title: str, text: str, informative: str = "",
              details: str = "") -> QMessageBox:
    box = _box(parent, QMessageBox.Icon.Information, title, text, informative, details)
    box.setObjectName("infoDialog")
    box.open()
    return box


def confirm(parent: QWidget | None, title: str, text: str, informative: str = "",
            ok_text: str = "确定") -> bool:
    """Ask before a destructive action; the safe answer (取消) is the default button."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.NoButton,
                      parent)
    if informative:
        box.setInformativeText(informative)
    ok = box.addButton(ok_text, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.exec()
    return box.clickedButton() is ok


def failure_reporter(parent: QWidget | None, what: str):  # noqa: ANN201 - a callback
    """A task failure handler: a cancelled task is not an error, everything else is shown."""

    def report(failure: TaskFailure) -> None:
        if isinstance(failure.exception, Cancelled):
            return
        show_error(parent, what, failure)

    return report

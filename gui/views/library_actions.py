"""The 资料库 menu: new, open, recent, backup, trash, settings, and the demo library."""

from __future__ import annotations

import importlib
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QFileDialog, QMenu, QWidget

from archive.errors import CivLedgerError
from archive.library import Library
from gui import messages, settings
from gui.operations.library import create_library
from gui.state import AppState, module_available
from gui.views.library_dialogs import NewLibraryDialog
from gui.views.progress import run_with_progress
from gui.views.settings_dialog import SettingsDialog
from gui.views.trash_dialog import TrashDialog


class LibraryController(QObject):
    def __init__(self, state: AppState, window: QWidget) -> None:
        super().__init__(window)
        self.state = state
        self.window = window
        self.recent_menu = QMenu("最近打开", window)
        self.recent_menu.aboutToShow.connect(self._fill_recent)

    # -- opening --------------------------------------------------------------------------------
    def open_path(self, path: Path | str) -> bool:
        try:
            lib = Library.open(Path(path))
        except CivLedgerError as exc:
            messages.show_error(self.window, f"无法打开资料库 {path}", exc)
            return False
        self._use(lib)
        return True

    def _use(self, lib: Library) -> None:
        self.state.set_library(lib)
        settings.remember_library(lib.root)
        self.state.status.emit(f"已打开资料库 {lib.root}")

    def choose_and_open(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.window, "选择资料库文件夹")
        if folder:
            self.open_path(folder)

    def new_library(self) -> bool:
        dialog = NewLibraryDialog(self.window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        return self.create_at(dialog.target, dialog.sample.isChecked())

    def create_at(self, target: Path, sample: bool) -> bool:
        try:
            lib = create_library(target, sample)
        except CivLedgerError as exc:
            messages.show_error(self.window, "无法新建资料库", exc)
            return False
        self._use(lib)
        return True

    def demo_library(self, target: Path | None = None) -> None:
        """Generate the demo library in a worker (it writes a thousand real documents)."""
        if not module_available("archive.demo"):
            messages.show_info(self.window, "示例资料库", "此版本未包含示例资料库。")
            return
        if target is None:
            folder = QFileDialog.getExistingDirectory(self.window, "选择示例资料库的保存位置")
            if not folder:
                return
            target = Path(folder) / "创文示例资料库"
        build_demo = importlib.import_module("archive.demo").build_demo

        def work(progress, cancel) -> Path:  # noqa: ANN001
            # notify: the index (subscribed at start-up) extracts and indexes as it goes.
            return build_demo(target, progress=progress, cancel=cancel).root

        handle = run_with_progress(self.state.runner, self.window, "正在生成示例资料库", work,
                                   serial=True)
        handle.success(lambda path: self.open_path(path))
        handle.failure_handler(messages.failure_reporter(self.window, "生成示例资料库失败"))

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        paths = settings.recent_libraries()
        if not paths:
            self.recent_menu.addAction("（无）").setEnabled(False)
        for path in paths:
            action = QAction(path, self.recent_menu)
            action.triggered.connect(lambda _c=False, p=path: self.open_path(p))
            self.recent_menu.addAction(action)

    # -- maintenance ----------------------------------------------------------------------------
    def backup(self) -> None:
        lib = self.state.library()
        handle = run_with_progress(self.state.runner, self.window, "正在备份数据库",
                                   lambda _p, _c: lib.backup(), cancellable=False)
        handle.success(lambda path: messages.show_info(
            self.window, "备份完成", "数据库已备份。", f"备份文件：{path}\n"
            "资料文件本身保存在资料库的 files 文件夹中；整体备份请复制整个资料库文件夹。"))
        handle.failure_handler(messages.failure_reporter(self.window, "备份失败"))

    def show_trash(self) -> TrashDialog:
        dialog = TrashDialog(self.state, self.window)
        dialog.open()
        return dialog

    def show_settings(self) -> SettingsDialog:
        dialog = SettingsDialog(self.state, self.window)
        dialog.open()
        return dialog

"""The main window: menus, toolbar, the pages, and the wiring between them. No logic of its own."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
)
from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget, QWidget

from gui import messages, settings
from gui.operations.documents import delete_documents, readable_copy
from gui.state import AppState
from gui.tasks import TaskHandle, TaskRunner
from gui.views.background_status import BackgroundStatus
from gui.views.dashboard_page import DashboardPage
from gui.views.import_flow import ImportController
from gui.views.ledger_page import LedgerPage
from gui.views.library_actions import LibraryController
from gui.views.search_page import SearchPage
from gui.views.toolbar import MainToolBar
from gui.views.urls import dropped_paths

if TYPE_CHECKING:
    from gui.views.export_wizard import ExportWizard
    from gui.views.framework_wizard import FrameworkWizard

APP_TITLE = "创文台账"


class MainWindow(QMainWindow):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_TITLE)
        self.setAcceptDrops(True)
        self.runner = TaskRunner(self)
        self.state = AppState(self.runner, self)
        self.imports = ImportController(self.state, self)
        self.libraries = LibraryController(self.state, self)
        self.ledger = LedgerPage(self.state)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("mainTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.ledger, "台账")
        self.pages: dict[str, QWidget] = {"ledger": self.ledger}
        self.search_page = SearchPage(self.state)
        self.add_page("search", self.search_page, "检索")
        self.dashboard = DashboardPage(self.state)
        self.add_page("dashboard", self.dashboard, "查漏补缺")
        self._build_actions()
        self.toolbar = MainToolBar(self.state, [self.act_import, self.act_check, self.act_export])
        self.addToolBar(self.toolbar)
        self.setCentralWidget(self.tabs)
        self._build_menus()
        self.background = BackgroundStatus()
        self.statusBar().addPermanentWidget(self.background)
        self.tasks_label = QLabel("")
        self.statusBar().addPermanentWidget(self.tasks_label)
        self._wire()
        self._library_changed()

    # -- construction -----------------------------------------------------------------------------
    def _action(self, text: str, slot, shortcut: QKeySequence | str | None = None,  # noqa: ANN001
                tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_actions(self) -> None:
        lib = self.libraries
        self.act_new = self._action("新建资料库…", lib.new_library, QKeySequence.StandardKey.New)
        self.act_open = self._action("打开资料库…", lib.choose_and_open,
                                     QKeySequence.StandardKey.Open)
        self.act_demo = self._action("生成示例资料库…", lib.demo_library)
        self.act_backup = self._action("立即备份", lib.backup, "Ctrl+B",
                                       "用 SQLite 在线备份复制数据库")
        self.act_trash = self._action("回收站…", lib.show_trash)
        self.act_settings = self._action("资料库设置…", lib.show_settings, "Ctrl+,")
        self.act_quit = self._action("退出", self.close, QKeySequence.StandardKey.Quit)
        self.act_import = self._action("导入资料", self.imports.choose_folder, "Ctrl+I",
                                       "导入文件夹：按文件夹名自动归到测评标准")
        self.act_import_files = self._action("导入文件到当前测评标准…", self._import_files,
                                             "Ctrl+Shift+I")
        self.act_framework = self._action("导入测评体系（任务分解表）…",
                                          self.open_framework_wizard)
        self.act_check = self._action("查漏补缺", lambda: self.show_page("dashboard"), "Ctrl+K",
                                      "检查缺少和不合格的资料")
        self.act_export = self._action("导出迎检资料", self._export, "Ctrl+E",
                                       "导出到文件夹或U盘，供测评组查阅")
        self.act_search = self._action("全文检索", self.toolbar_focus_search,
                                       QKeySequence.StandardKey.Find)
        self.act_refresh = self._action("刷新", self.refresh, QKeySequence.StandardKey.Refresh)
        self.act_ledger = self._action("台账", lambda: self.show_page("ledger"), "Ctrl+1")
        self.act_search_page = self._action("检索", lambda: self.show_page("search"), "Ctrl+2")
        self.act_dashboard = self._action("查漏补缺", lambda: self.show_page("dashboard"),
                                          "Ctrl+3")
        self.act_about = self._action("关于创文台账", self._about)
        self.act_keys = self._action("键盘快捷键", self.show_shortcuts, "F1")

    def _build_menus(self) -> None:
        bar = self.menuBar()
        m = bar.addMenu("资料库(&L)")
        for a in (self.act_new, self.act_open):
            m.addAction(a)
        m.addMenu(self.libraries.recent_menu)
        m.addAction(self.act_demo)
        m.addSeparator()
        for a in (self.act_backup, self.act_trash, self.act_settings):
            m.addAction(a)
        m.addSeparator()
        m.addAction(self.act_quit)
        self.import_menu = bar.addMenu("导入(&I)")
        self.import_menu.addAction(self.act_import)
        self.import_menu.addAction(self.act_import_files)
        self.import_menu.addSeparator()
        self.import_menu.addAction(self.act_framework)
        self.view_menu = bar.addMenu("查看(&V)")
        for a in (self.act_ledger, self.act_search_page, self.act_dashboard, self.act_search,
                  self.act_refresh):
            self.view_menu.addAction(a)
        self.export_menu = bar.addMenu("导出(&E)")
        self.export_menu.addAction(self.act_export)
        help_menu = bar.addMenu("帮助(&H)")
        help_menu.addAction(self.act_keys)
        help_menu.addAction(self.act_about)
        self.library_actions = [self.act_backup, self.act_trash, self.act_settings,
                                self.act_import, self.act_import_files, self.act_framework,
                                self.act_check,
                                self.act_export, self.act_search, self.act_refresh]

    def _wire(self) -> None:
        s = self.state
        s.libraryChanged.connect(self._library_changed)
        s.status.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.runner.started.connect(self._task_started)
        tree = self.ledger.tree.view
        tree.filesDroppedOnStandard.connect(
            lambda ind_id, code, paths: self.imports.import_to_standard(ind_id, code, paths))
        tree.filesDropped.connect(self.imports.import_folder)
        self.ledger.documents.documentActivated.connect(self.open_document)
        self.ledger.documents.deleteRequested.connect(self.delete_documents)
        self.toolbar.searchRequested.connect(self.search)
        s.backgroundStarted.connect(self.background.track)
        self.search_page.showInLedger.connect(self.show_document)
        self.search_page.openRequested.connect(self.open_document)
        self.dashboard.indicatorRequested.connect(self.show_indicator)
        self.dashboard.documentRequested.connect(self.show_document)

    # -- pages ------------------------------------------------------------------------------------
    def add_page(self, key: str, widget: QWidget, title: str) -> None:
        self.pages[key] = widget
        self.tabs.addTab(widget, title)

    def show_page(self, key: str) -> QWidget | None:
        page = self.pages.get(key)
        if page is None:
            messages.show_info(self, APP_TITLE, "此功能尚未安装。")
            return None
        self.tabs.setCurrentWidget(page)
        return page

    def show_indicator(self, indicator_id: int) -> None:
        self.show_page("ledger")
        self.ledger.tree.select_indicator(indicator_id)

    def show_document(self, doc_id: int, page: int = 0,
                      highlight: list[str] | None = None) -> None:
        self.show_page("ledger")
        self.ledger.show_document(doc_id, page=page, highlight=highlight)

    def toolbar_focus_search(self) -> None:
        self.toolbar.focus_search()

    def search(self, text: str) -> None:
        if not self.search_page.available:
            # Without the index, the filter box of the list is the closest thing.
            self.show_page("ledger")
            self.ledger.documents.filter.setText(text)
            return
        self.tabs.setCurrentWidget(self.search_page)
        self.search_page.search(text)

    def open_framework_wizard(self, path: Path | None = None) -> FrameworkWizard:
        from gui.views.framework_wizard import FrameworkWizard  # the workbook readers: lazily

        wizard = FrameworkWizard(self.state, self, path)
        wizard.open()
        return wizard

    def _export(self) -> None:
        self.open_export_wizard()

    def open_export_wizard(self) -> ExportWizard | None:
        from gui.views.export_wizard import ExportWizard  # the package writers: lazily

        if not self.state.periods:
            messages.show_info(self, "导出迎检资料", "还没有台账年度，请先导入资料。")
            return None
        wizard = ExportWizard(self.state, self)
        wizard.open()
        return wizard

    # -- state ------------------------------------------------------------------------------------
    def _library_changed(self) -> None:
        lib = self.state.lib
        self.setWindowTitle(f"{lib.name} - {APP_TITLE}" if lib else APP_TITLE)
        for action in self.library_actions:
            action.setEnabled(lib is not None)

    def _task_started(self, handle: TaskHandle) -> None:
        handle.finished.connect(self._tasks_changed)
        self._tasks_changed()

    def _tasks_changed(self) -> None:
        n = len(self.runner.foreground)
        self.tasks_label.setText(f"后台任务：{n}" if n else "")

    def refresh(self) -> None:
        if self.state.has_library:
            self.state.reload_choices()
            self.ledger.tree.refresh_counts()
            self.ledger.documents.reload()

    # -- document actions ---------------------------------------------------------------------------
    def _import_files(self) -> None:
        current = self.ledger.tree.current_standard()
        if current is None:
            messages.show_info(self, "导入文件", "请先在左侧选中一条测评标准（最末一级），再导入文件。",
                      "也可以把文件直接拖到左侧的测评标准上。")
            return
        self.imports.choose_files(*current)

    def open_document(self, doc_id: int) -> Path | None:
        """Open a copy of the file in its Windows program (Word, WPS, the photo viewer)."""
        try:
            path = readable_copy(self.state.library(), doc_id)
        except Exception as exc:  # noqa: BLE001 - shown to the clerk
            messages.show_error(self, "无法打开文件", exc)
            return None
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            messages.show_error(self, "无法打开文件", f"没有找到能打开 {path.suffix} 文件的程序。",
                       f"文件副本：{path}")
        else:
            self.statusBar().showMessage(f"已打开副本：{path}（在副本中的修改不会保存到资料库）",
                                         10000)
        return path

    def delete_documents(self, ids: list[int]) -> None:
        if not messages.confirm(self, "移入回收站", f"将选中的 {len(ids)} 件资料移入回收站？",
                       "可以在“资料库 → 回收站”中恢复。", ok_text="移入回收站"):
            return
        try:
            delete_documents(self.state.library(), ids)
        except Exception as exc:  # noqa: BLE001
            messages.show_error(self, "删除失败", exc)
        self.state.documents_changed(ids)

    def shortcuts(self) -> list[tuple[str, str]]:
        """(key, what it does) for every action that has a key, as shown in 帮助 → 键盘快捷键."""
        rows = [(a.shortcut().toString(QKeySequence.SequenceFormat.NativeText),
                 a.text().replace("&", "").rstrip("…"))
                for a in self.findChildren(QAction) if not a.shortcut().isEmpty()]
        rows += [("Ctrl+S", "保存著录信息"), ("双击资料", "用 Windows 程序打开")]
        return sorted(set(rows), key=lambda r: r[1])

    def show_shortcuts(self) -> None:
        text = "\n".join(f"{key:<14}{what}" for key, what in self.shortcuts())
        messages.show_info(self, "键盘快捷键", "常用的键盘快捷键：", text)

    def _about(self) -> None:
        messages.show_info(self, "关于创文台账", "创文台账 0.1",
                  "创建文明城市佐证资料的归档、检索、查漏补缺与迎检导出。\n"
                  "许可证：AGPL-3.0-or-later")

    # -- window and drops ----------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if event.mimeData().hasUrls() and self.state.has_library:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        paths = dropped_paths(event.mimeData())
        if paths and self.state.has_library:
            event.acceptProposedAction()
            self.imports.import_folder(paths)

    def restore_layout(self) -> None:
        geometry = settings.load_bytes("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1440, 900)
        state = settings.load_bytes("window/state")
        if state is not None:
            self.restoreState(state)
        for key, splitter in (("ledger", self.ledger.splitter),
                              ("document", self.ledger.detail.splitter)):
            sizes = settings.load_bytes(f"window/splitter/{key}")
            if sizes is not None:
                splitter.restoreState(sizes)
        header = settings.load_bytes("window/header/documents")
        if header is not None:
            self.ledger.documents.table.horizontalHeader().restoreState(header)
        tab = settings.load_value("window/tab")
        if isinstance(tab, str) and tab in self.pages:
            self.tabs.setCurrentWidget(self.pages[tab])

    def save_layout(self) -> None:
        settings.save_bytes("window/geometry", self.saveGeometry())
        settings.save_bytes("window/state", self.saveState())
        settings.save_bytes("window/splitter/ledger", self.ledger.splitter.saveState())
        settings.save_bytes("window/splitter/document", self.ledger.detail.splitter.saveState())
        settings.save_bytes("window/header/documents",
                            self.ledger.documents.table.horizontalHeader().saveState())
        current = self.tabs.currentWidget()
        settings.save_value("window/tab",
                            next((k for k, w in self.pages.items() if w is current), "ledger"))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.runner.foreground and not messages.confirm(
                self, "退出", "还有任务正在进行，确定退出？",
                "正在进行的导入或导出将被取消；已完成的部分会完好保存。", ok_text="退出"):
            event.ignore()
            return
        if self.ledger.detail.editor.dirty:
            self.ledger.detail.editor.save()
        self.save_layout()
        self.runner.cancel_all()
        self.runner.wait()
        self.state.close_library()
        event.accept()

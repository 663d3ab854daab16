"""The 检索 page: query and filters, ranked hits with highlighted passages, and a preview that
opens at the hit's page."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from gui import messages
from gui.itemmodels.search_results import DocumentIdRole, HitRole, HtmlRole, SearchResultModel
from gui.operations.search import FILE_TYPES, SearchRequest, SearchResult, run_search
from gui.queries.documents import document_detail, file_text
from gui.queries.tree import indicator_nodes
from gui.state import AppState, module_available
from gui.tasks import TaskHandle
from gui.views.preview import IMAGE_EXTS, PreviewWidget
from gui.views.rich_text_delegate import RichTextDelegate


class SearchPage(QWidget):
    showInLedger = Signal(int, int, list)  # document id, 0-based page, words
    openRequested = Signal(int)
    searched = Signal(object)  # SearchResult

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchPage")
        self.state = state
        self.available = module_available("indexing.search")
        self._task: TaskHandle | None = None
        self.result: SearchResult | None = None
        self.query = QLineEdit()
        self.query.setObjectName("searchQuery")
        self.query.setPlaceholderText("输入要查找的字词，例如 垃圾分类、\"志愿服务\"、2023 文明办")
        self.query.setClearButtonEnabled(True)
        self.query.returnPressed.connect(self.run)
        self.go = QPushButton("搜索")
        self.go.clicked.connect(self.run)
        self.period = QComboBox()
        self.standard = QComboBox()
        self.standard.setMinimumContentsLength(14)
        self.standard.setMaxVisibleItems(25)
        self.unit = QComboBox()
        self.unit.setMinimumContentsLength(8)
        self.file_type = QComboBox()
        for label, exts in FILE_TYPES.items():
            self.file_type.addItem(label, exts)
        for combo in (self.period, self.standard, self.unit, self.file_type):
            combo.currentIndexChanged.connect(self._filters_changed)
        self.info = QLabel("" if self.available else "全文检索模块未安装。")
        self.info.setObjectName("searchInfo")
        self.model = SearchResultModel(self)
        self.results = QListView()
        self.results.setObjectName("searchResults")
        self.results.setModel(self.model)
        self.results.setItemDelegate(RichTextDelegate(HtmlRole, self.results))
        self.results.setWordWrap(True)
        self.results.setAlternatingRowColors(True)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.results.selectionModel().selectionChanged.connect(self._selected)
        self.results.doubleClicked.connect(
            lambda index: self.openRequested.emit(int(index.data(DocumentIdRole))))
        self.preview = PreviewWidget()
        self.preview_title = QLabel("")
        self.preview_title.setStyleSheet("font-weight: bold")
        self.preview_title.setWordWrap(True)
        self.ledger_button = QPushButton("在台账中查看")
        self.ledger_button.clicked.connect(self._show_in_ledger)
        self.open_button = QPushButton("用 Windows 程序打开")
        self.open_button.clicked.connect(self._open)
        top = QHBoxLayout()
        top.addWidget(self.query, 1)
        top.addWidget(self.go)
        filters = QHBoxLayout()
        for label, combo in (("年度", self.period), ("测评指标", self.standard),
                             ("单位", self.unit), ("类型", self.file_type)):
            filters.addWidget(QLabel(label))
            filters.addWidget(combo, 1 if combo is self.standard else 0)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.preview_title)
        buttons = QHBoxLayout()
        buttons.addWidget(self.ledger_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        rl.addLayout(buttons)
        rl.addWidget(self.preview, 1)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.info)
        ll.addWidget(self.results, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setSizes([620, 620])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.splitter, 1)
        for w in (self.query, self.go, self.period, self.standard, self.unit, self.file_type):
            w.setEnabled(self.available)
        self._set_buttons(False)
        state.libraryChanged.connect(self._fill_filters)
        state.frameworkChanged.connect(self._fill_filters)
        state.periodsChanged.connect(self._fill_filters)
        state.documentsProcessed.connect(self._rerun)

    # -- filters ------------------------------------------------------------------------------
    def _fill_filters(self) -> None:
        self._filling = True
        self.period.clear()
        self.period.addItem("全部年度", None)
        for _pid, label in self.state.periods:
            self.period.addItem(label, label)
        self.period.setCurrentIndex(max(0, self.period.findData(self.state.period_label)))
        self.unit.clear()
        self.unit.addItem("全部单位", None)
        for u in self.state.units:
            self.unit.addItem(u.label, u.label)
        self.unit.setCurrentIndex(max(0, self.unit.findData(self.state.unit_name)))
        self.standard.clear()
        self.standard.addItem("全部测评指标", None)
        if self.state.has_library:
            with self.state.session() as s:
                for node in indicator_nodes(s):
                    indent = "　" * node.code.count(".")
                    self.standard.addItem(f"{indent}{node.code} {node.title}", node.code)
        self._filling = False

    def _filters_changed(self) -> None:
        if not getattr(self, "_filling", False) and self.query.text().strip():
            self.run()

    def _rerun(self, _ids: list[int]) -> None:
        if self.isVisible() and self.query.text().strip():
            self.run()  # newly indexed documents may match now

    # -- searching ------------------------------------------------------------------------------
    def search(self, text: str) -> TaskHandle | None:
        self.query.setText(text)
        return self.run()

    def request(self) -> SearchRequest:
        return SearchRequest(self.query.text().strip(), self.period.currentData(),
                             self.standard.currentData(), self.unit.currentData(),
                             self.file_type.currentData() or "")

    def run(self) -> TaskHandle | None:
        request = self.request()
        if not self.available or not request.text or not self.state.has_library:
            return None
        if self._task is not None and self._task.running:
            self._task.cancel()
        lib = self.state.library()
        self.info.setText("正在检索……")
        handle = self.state.runner.run(lambda _p, _c: run_search(lib, request), "全文检索")
        handle.success(lambda result, h=handle: self._show(result, h))
        handle.failure_handler(messages.failure_reporter(self, "检索失败"))
        self._task = handle
        return handle

    def _show(self, result: SearchResult, handle: TaskHandle) -> None:
        if handle is not self._task:
            return  # an older search finished after a newer one started
        self.result = result
        self.model.load(result.hits, result.words)
        n = len(result.hits)
        more = f"（只显示前 {result.request.limit} 件）" if n >= result.request.limit else ""
        self.info.setText(f"找到 {n} 件资料{more}。" if n else
                          f"没有找到包含“{result.request.text}”的资料。可以换个说法，或放宽筛选条件。")
        self.preview.clear("选择一条结果即可预览。")
        self.preview_title.setText("")
        self._set_buttons(False)
        if n:
            self.results.setCurrentIndex(self.model.index(0))
        self.searched.emit(result)

    # -- preview --------------------------------------------------------------------------------
    def _selected(self, _sel: QItemSelection, _desel: QItemSelection) -> None:
        hit = self.current_hit()
        self._set_buttons(hit is not None)
        if hit is None:
            return
        with self.state.session() as s:
            detail = document_detail(s, hit.document_id)
            text = (file_text(s, detail.file_id)
                    if detail and detail.ext != "pdf" and detail.ext not in IMAGE_EXTS else None)
        if detail is None:
            self.preview.clear("这件资料已被删除。")
            return
        self.preview_title.setText(detail.title)
        path = self.state.library().store.path_for(detail.sha256, detail.ext)
        page = (hit.page - 1) if hit.page else 0
        self.preview.show_file(path, detail.ext, text, page=page, highlight=self.model.words)

    def current_hit(self):  # noqa: ANN201
        index = self.results.currentIndex()
        return index.data(HitRole) if index.isValid() else None

    def _set_buttons(self, enabled: bool) -> None:
        self.ledger_button.setEnabled(enabled)
        self.open_button.setEnabled(enabled)

    def _show_in_ledger(self) -> None:
        hit = self.current_hit()
        if hit is not None:
            self.showInLedger.emit(hit.document_id, (hit.page - 1) if hit.page else 0,
                                   list(self.model.words))

    def _open(self) -> None:
        hit = self.current_hit()
        if hit is not None:
            self.openRequested.emit(hit.document_id)

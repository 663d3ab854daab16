"""Right pane: the selected document's 著录 form above its preview and quality findings."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from archive.errors import CivLedgerError
from gui import messages
from gui.operations.check import accept, unaccept
from gui.operations.documents import MetadataEdit, apply_edit
from gui.queries.documents import document_detail, file_text, standard_choices
from gui.queries.findings import FindingRow, findings_for_document
from gui.state import AppState
from gui.tasks import TaskHandle
from gui.views.metadata_editor import MetadataEditor
from gui.views.preview import IMAGE_EXTS, PreviewWidget


class DocumentPanel(QWidget):
    saved = Signal(int)
    findingsShown = Signal(int)  # document id

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.doc_id: int | None = None
        self.findings_task: TaskHandle | None = None
        self.title = QLabel("未选择资料")
        self.title.setObjectName("documentTitle")
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-weight: bold; font-size: 11pt")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.editor = MetadataEditor()
        editor_scroll = QScrollArea()
        editor_scroll.setWidget(self.editor)
        editor_scroll.setWidgetResizable(True)
        editor_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.preview = PreviewWidget()
        self.findings = QListWidget()
        self.findings.setObjectName("findingsList")
        self.findings.setWordWrap(True)
        self.findings.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.findings.customContextMenuRequested.connect(self._findings_menu)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.preview, "预览")
        self.tabs.addTab(self.findings, "质量问题")
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("documentSplitter")
        self.splitter.addWidget(editor_scroll)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.splitter)
        self.editor.saveRequested.connect(self._save)
        state.libraryChanged.connect(self._library_changed)
        state.frameworkChanged.connect(self._library_changed)
        state.periodsChanged.connect(self._library_changed)
        state.documentsProcessed.connect(self._processed)

    def _library_changed(self) -> None:
        if not self.state.has_library:
            self.editor.set_choices([], [])
            self.show_document(None)
            return
        with self.state.session() as s:
            standards = standard_choices(s)
        self.editor.set_choices(self.state.units, standards)
        if self.doc_id is not None:
            self.show_document(self.doc_id)

    def _processed(self, ids: list[int]) -> None:
        if self.doc_id in ids and not self.editor.dirty:
            self.show_document(self.doc_id, page=self.preview.page)

    def show_document(self, doc_id: int | None, page: int = 0,
                      highlight: list[str] | None = None) -> None:
        pending: tuple[int, MetadataEdit] | None = None
        if self.editor.dirty and self.editor.detail is not None and doc_id != self.doc_id:
            # Switching documents keeps what was typed: it is saved once the new one shows.
            pending = (self.editor.detail.id, self.editor.collect())
        self.doc_id = doc_id
        self._load(doc_id, page, highlight)
        if pending is not None:
            self._save(*pending)

    def _load(self, doc_id: int | None, page: int, highlight: list[str] | None) -> None:
        detail = None
        text = None
        if doc_id is not None and self.state.has_library:
            with self.state.session() as s:
                detail = document_detail(s, doc_id)
                if detail is not None and detail.ext != "pdf" and detail.ext not in IMAGE_EXTS:
                    text = file_text(s, detail.file_id)
        self.editor.load(detail)
        self._show_findings(None, False)
        if detail is not None:
            self._load_findings(detail.id)
        if detail is None:
            self.title.setText("未选择资料")
            self.preview.clear()
            return
        self.title.setText(detail.title or detail.original_name)
        path = self.state.library().store.path_for(detail.sha256, detail.ext)
        self.preview.show_file(path, detail.ext, text, page=page, highlight=highlight)

    def _load_findings(self, doc_id: int) -> TaskHandle:
        """The check of one document reads its neighbours (≈0.1 s): done in a worker, so that
        clicking through a list stays instant."""
        lib = self.state.library()

        def work(_progress, _cancel) -> list[FindingRow]:  # noqa: ANN001
            with lib.session() as s:
                return findings_for_document(s, doc_id)

        self.findings.addItem("正在检查……")
        handle = self.state.runner.run(work, "检查这件资料", background=True)
        handle.success(lambda rows: self._findings_ready(doc_id, rows))
        self.findings_task = handle
        return handle

    def _findings_ready(self, doc_id: int, rows: list[FindingRow]) -> None:
        if doc_id == self.doc_id:
            self._show_findings(rows, True)
            self.findingsShown.emit(doc_id)

    def _show_findings(self, findings: list[FindingRow] | None, has_doc: bool) -> None:
        self.findings.clear()
        if not has_doc or findings is None:
            self.tabs.setTabText(1, "质量问题")
            return
        open_count = sum(1 for f in findings if not f.accepted)
        self.tabs.setTabText(1, f"质量问题 ({open_count})" if open_count else "质量问题")
        if not findings:
            self.findings.addItem("未发现质量问题。")
        for f in findings:
            text = f"【{f.label}】{f.message}"
            if f.accepted:
                text += f"（已接受：{f.reason}）"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, f)
            if f.accepted:
                item.setForeground(Qt.GlobalColor.gray)
            self.findings.addItem(item)

    def _findings_menu(self, pos: QPoint) -> None:
        item = self.findings.itemAt(pos)
        finding = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if finding is None or self.doc_id is None:
            return
        menu = QMenu(self)
        if finding.accepted:
            menu.addAction("撤销接受", lambda: self.unaccept_finding(finding))
        else:
            menu.addAction("接受此问题…", lambda: self.accept_finding(finding))
        menu.popup(self.findings.viewport().mapToGlobal(pos))

    def accept_finding(self, finding: FindingRow, reason: str | None = None) -> bool:
        """Accept with a reason: the finding stays listed but no longer counts."""
        if self.doc_id is None:
            return False
        if reason is None:
            reason, ok = QInputDialog.getText(self, "接受问题",
                                              f"【{finding.label}】{finding.message}\n\n接受的理由：")
            if not ok:
                return False
        try:
            accept(self.state.library(), finding.kind, self.doc_id, reason)
        except CivLedgerError as exc:
            messages.show_error(self, "未能接受此问题", exc)
            return False
        self.state.documents_changed([self.doc_id], run_hooks=False)
        self._load_findings(self.doc_id)
        return True

    def unaccept_finding(self, finding: FindingRow) -> None:
        if self.doc_id is not None:
            unaccept(self.state.library(), finding.kind, self.doc_id)
            self.state.documents_changed([self.doc_id], run_hooks=False)
            self._load_findings(self.doc_id)

    def _save(self, doc_id: int, edit: MetadataEdit) -> None:
        try:
            apply_edit(self.state.library(), doc_id, edit)
        except CivLedgerError as exc:
            messages.show_error(self, "保存失败，修改未保存", exc)
            return
        if doc_id == self.doc_id:
            self.show_document(doc_id, page=self.preview.page)
        self.state.status.emit("已保存。")
        self.saved.emit(doc_id)
        self.state.documents_changed([doc_id])

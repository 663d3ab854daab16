"""Import as the clerk does it: drop files on a standard, or a folder on the window, then review.

The filing runs in a worker with a progress window; the review dialog opens when it is done.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from archive.errors import Cancelled
from gui import messages
from gui.operations.imports import ImportOutcome, ImportRequest, reassign, run_import, undo_import
from gui.queries.documents import standard_choices
from gui.state import AppState
from gui.tasks import TaskHandle
from gui.views.import_review import UNDO, ImportReviewDialog, summary_text
from gui.views.progress import run_with_progress


class ImportController(QObject):
    finished = Signal(object)  # ImportOutcome, after the review (tests wait for it)

    def __init__(self, state: AppState, window: QWidget) -> None:
        super().__init__(window)
        self.state = state
        self.window = window
        self.review: ImportReviewDialog | None = None
        self.review_enabled = True

    # -- entry points --------------------------------------------------------------------------
    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.window, "选择要导入的文件夹（按文件夹名自动归类）")
        if folder:
            self.import_folder([Path(folder)])

    def choose_files(self, indicator_id: int, code: str) -> None:
        files, _ = QFileDialog.getOpenFileNames(self.window, f"选择要归到 {code} 的文件")
        if files:
            self.import_to_standard(indicator_id, code, [Path(f) for f in files])

    def import_to_standard(self, indicator_id: int, code: str, paths: list[Path]) -> TaskHandle:
        return self._start(ImportRequest(paths, self.state.import_period(), standard=code,
                                         unit=self.state.unit_name), review=False)

    def import_folder(self, paths: list[Path]) -> TaskHandle:
        return self._start(ImportRequest(paths, self.state.import_period(),
                                         unit=self.state.unit_name), review=True)

    # -- running -------------------------------------------------------------------------------
    def _start(self, request: ImportRequest, review: bool) -> TaskHandle:
        lib = self.state.library()
        names = "、".join(p.name for p in request.paths[:3])
        more = f" 等 {len(request.paths)} 项" if len(request.paths) > 3 else ""
        where = f"测评标准 {request.standard}" if request.standard else "按文件夹名自动归类"
        title = f"导入 {names}{more}（{request.period} 年度，{where}）"
        self.state.yield_background()
        handle = run_with_progress(self.state.runner, self.window, title,
                                   lambda progress, cancel: run_import(lib, request, progress,
                                                                       cancel), serial=True)
        handle.success(lambda outcome: self._done(outcome, review))
        handle.failure_handler(messages.failure_reporter(self.window, "导入失败"))
        return handle

    def _done(self, outcome: ImportOutcome, review: bool) -> None:
        result = outcome.result
        changed = result.changed_document_ids
        self.state.documents_changed(changed, run_hooks=not outcome.processed)
        self.state.status.emit(summary_text(result))
        if review and self.review_enabled and result.total:
            self._review(outcome)
            return
        if result.error or result.refused or result.duplicates:
            details = "\n".join(
                [f"拒收：{r['source_path']}：{r['reason']}" for r in result.refused]
                + [f"重复：{r['source_path']}" for r in result.duplicates])
            messages.show_info(self.window, "导入结果", summary_text(result),
                      result.error or "重复的文件没有再次保存；拒收的原因见详细信息。", details)
        self.finished.emit(outcome)

    def _review(self, outcome: ImportOutcome) -> None:
        with self.state.session() as s:
            standards = standard_choices(s)
        code_ids = {c.label.split(" ", 1)[0]: c.id for c in standards}
        dialog = ImportReviewDialog(outcome.result, outcome.request.period, standards, code_ids,
                                    self.window)
        self.review = dialog
        dialog.finished.connect(lambda code: self._reviewed(dialog, outcome, code))
        dialog.open()

    def _reviewed(self, dialog: ImportReviewDialog, outcome: ImportOutcome, code: int) -> None:
        self.review = None
        lib = self.state.library()
        try:
            if code == UNDO:
                if messages.confirm(self.window, "撤销导入", "撤销本次导入？",
                           "新导入的文件将移入回收站（可从回收站恢复），本次新增的归类关系将删除。",
                           ok_text="撤销导入"):
                    self.state.documents_changed(undo_import(lib, outcome.result))
                    self.state.status.emit("已撤销本次导入。")
            elif code == QDialog.DialogCode.Accepted:
                changes = dialog.changes()
                if changes:
                    self.state.documents_changed(reassign(lib, changes))
                    self.state.status.emit(f"已重新归类 {len(changes)} 件资料。")
        except Cancelled:
            pass
        except Exception as exc:  # noqa: BLE001 - shown to the clerk
            messages.show_error(self.window, "保存归类结果失败", exc)
        dialog.deleteLater()
        self.finished.emit(outcome)

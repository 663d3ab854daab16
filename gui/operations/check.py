"""The check (查漏补缺) from the window: run it, write the to-do lists, accept a finding.

The writers are imported when used: openpyxl and python-docx would add a third of a second to
every start of the application.
"""

from __future__ import annotations

from pathlib import Path

from archive.check import CheckReport, accept_finding, run_check, unaccept_finding
from archive.library import Library
from archive.progress import CancelToken, ProgressCallback
from gui.operations.busy import retry_when_busy
from gui.operations.library import KEY_ORGANISATION


def check_period(lib: Library, period: str, unit: str | None, progress: ProgressCallback,
                 cancel: CancelToken) -> CheckReport:
    return run_check(lib, period, unit=unit, progress=progress, cancel=cancel)


def organisation(lib: Library) -> str:
    value = lib.get_setting(KEY_ORGANISATION, "") or ""
    if isinstance(value, dict):
        value = value.get("name", "")
    return str(value)


def write_todo_lists(lib: Library, report: CheckReport, path: Path) -> Path:
    """The Excel 督办表: a summary and one sheet per unit (exporters.todo_workbook)."""
    from exporters.todo_workbook import write_todo_workbook  # openpyxl: only when asked

    return write_todo_workbook(report.as_json(), path, files_root=lib.store.root)


def write_todo_notices(lib: Library, report: CheckReport, directory: Path) -> list[Path]:
    """One Word 督办通知 per unit with something to do."""
    from exporters.todo_notices import write_notices  # python-docx: only when asked

    return write_notices(report.as_json(), directory, issuer=organisation(lib))


def accept(lib: Library, kind: str, document_id: int, reason: str) -> None:
    def work() -> None:
        with lib.session() as s:
            accept_finding(s, kind, document_id, reason)

    retry_when_busy(work)


def unaccept(lib: Library, kind: str, document_id: int) -> bool:
    def work() -> bool:
        with lib.session() as s:
            return unaccept_finding(s, kind, document_id)

    return retry_when_busy(work)

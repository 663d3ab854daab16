"""Importing a task-decomposition workbook (任务分解表): look, map columns, preview, import."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from archive.framework_io import ParsedFramework, WorkbookPreview, inspect_workbook, read_workbook
from archive.framework_update import FrameworkImportReport, import_framework
from archive.library import Library
from archive.progress import CancelToken, ProgressCallback


@dataclass(frozen=True)
class WorkbookChoice:
    path: Path
    mapping: dict[str, str] | None = None  # field → column letter; None: recognise
    sheet: str | None = None


def inspect(choice: WorkbookChoice) -> WorkbookPreview:
    return inspect_workbook(choice.path, choice.mapping or None, choice.sheet)


@dataclass
class FrameworkPlan:
    parsed: ParsedFramework
    report: FrameworkImportReport  # what the import would do (dry run)


def plan(lib: Library, choice: WorkbookChoice, name: str | None, progress: ProgressCallback,
         cancel: CancelToken) -> FrameworkPlan:
    parsed = read_workbook(choice.path, choice.mapping or None, choice.sheet, progress, cancel)
    report = import_framework(lib, parsed, name or None, dry_run=True)
    return FrameworkPlan(parsed, report)


def apply(lib: Library, parsed: ParsedFramework, name: str | None, progress: ProgressCallback,
          cancel: CancelToken, force: bool = False) -> FrameworkImportReport:
    """Import; ``force`` only after the clerk confirmed an update that matches few standards."""
    return import_framework(lib, parsed, name or None, force=force, progress=progress,
                            cancel=cancel)

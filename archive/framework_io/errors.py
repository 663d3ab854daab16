"""Errors and warnings of the workbook reader, each naming the file, the sheet and the cell.

A clerk who reads "文件“2024任务分解.xlsx”，工作表“任务分解”，单元格 D7：…" can open the workbook and
fix that cell; a message without a place sends them hunting through hundreds of rows.
"""

from __future__ import annotations

from pathlib import Path

from archive.errors import CivLedgerError


def cell_name(row: int, col: int) -> str:
    """0-based (row, col) → "D7"."""
    return f"{column_letter(col)}{row + 1}"


def column_letter(col: int) -> str:
    """0-based column index → "A", "Z", "AA"."""
    letters = ""
    n = col + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int | None:
    """"D" → 3 (0-based); None when ``letters`` is not a column name."""
    text = letters.strip().upper()
    if not text or not text.isascii() or not text.isalpha() or len(text) > 3:
        return None
    n = 0
    for ch in text:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def where(path: Path | str | None, sheet: str | None = None, cell: str | None = None) -> str:
    parts = []
    if path is not None:
        parts.append(f"文件“{Path(path).name}”")
    if sheet is not None:
        parts.append(f"工作表“{sheet}”")
    if cell:
        parts.append(f"单元格 {cell}" if not cell.startswith("第") else cell)
    return "，".join(parts)


class WorkbookError(CivLedgerError):
    """A workbook that cannot be read as a framework table; the message says where and why."""

    def __init__(
        self,
        message: str,
        path: Path | str | None = None,
        sheet: str | None = None,
        cell: str | None = None,
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.sheet = sheet
        self.cell = cell
        self.reason = message
        place = where(path, sheet, cell)
        super().__init__(f"{place}：{message}" if place else message)


class MappingError(WorkbookError):
    """An explicit column mapping (``--map 测评标准=D``) that does not fit the workbook."""

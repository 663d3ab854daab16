"""A workbook as plain grids of values: merges resolved, formulas replaced by their values.

Everything above this module (header detection, the tree) works on ``SheetGrid`` and never on
openpyxl or xlrd objects, so ``.xlsx`` and legacy ``.xls`` files are read by one set of rules and
tests can build grids directly.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive.framework_io.errors import WorkbookError, cell_name
from archive.framework_io.formulas import FormulaContext, evaluate_formula

Merge = tuple[int, int, int, int]  # 0-based, inclusive: first row, first col, last row, last col

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARKERS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
_SPACES = re.compile(r"[ \t\u00a0\u3000\u2002\u2003\u200b]+")
# Rows and columns scanned at most: a stray formatted cell at XFD1048576 must not cost minutes.
MAX_ROWS = 60000
MAX_COLS = 60


@dataclass
class SheetGrid:
    """One sheet's values (0-based rows and columns) and merged ranges."""

    name: str
    rows: list[list[Any]]
    merges: list[Merge] = field(default_factory=list)
    hidden: bool = False
    # Every cell inside a merged range → that range (top-left included).
    merge_at: dict[tuple[int, int], Merge] = field(default_factory=dict, repr=False)
    _texts: dict[tuple[int, int], str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not self.merge_at and self.merges:
            self.index_merges()

    def index_merges(self) -> None:
        self.merge_at = {}
        self._texts = {}
        for m in self.merges:
            r0, c0, r1, c1 = m
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    self.merge_at[(r, c)] = m

    @property
    def n_rows(self) -> int:
        return len(self.rows)

    @property
    def n_cols(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def raw(self, r: int, c: int) -> Any:
        """The value shown in the cell: a merged range shows its top-left value everywhere."""
        m = self.merge_at.get((r, c))
        if m is not None:
            r, c = m[0], m[1]
        if r >= len(self.rows):
            return None
        row = self.rows[r]
        return row[c] if c < len(row) else None

    def text(self, r: int, c: int) -> str:
        m = self.merge_at.get((r, c))
        key = (m[0], m[1]) if m is not None else (r, c)
        cached = self._texts.get(key)
        if cached is None:
            cached = self._texts[key] = text_of(self.raw(r, c))
        return cached

    def is_continuation(self, r: int, c: int) -> bool:
        """True for a cell inside a merged range other than its top-left one."""
        m = self.merge_at.get((r, c))
        return m is not None and (m[0], m[1]) != (r, c)

    def merge(self, r: int, c: int) -> Merge | None:
        return self.merge_at.get((r, c))

    def is_empty(self) -> bool:
        return not any(text_of(v) for row in self.rows for v in row)


@dataclass
class WorkbookGrid:
    path: Path
    sheets: list[SheetGrid]
    warnings: list[str] = field(default_factory=list)


# -- values ---------------------------------------------------------------------------------

# Full-width digits and Latin letters to half-width ("１.２" → "1.2"); Chinese punctuation
# （，；“”） stays as written, since unit names and titles are compared as the office wrote them.
_HALF_WIDTH = {cp: cp - 0xFEE0 for r in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
               for cp in range(r[0], r[1] + 1)} | {0xFF0E: ord(".")}


_NEEDS_CLEANING = re.compile(r"[\t\r\n\u00a0\u3000\u2002\u2003\u200b\uff0e\uff10-\uff19"
                             r"\uff21-\uff3a\uff41-\uff5a]|  ")


def clean_text(text: str) -> str:
    """Full-width letters and digits to half-width, odd spaces to one space, ends trimmed."""
    if not _NEEDS_CLEANING.search(text):
        return text.strip()
    text = text.translate(_HALF_WIDTH)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def text_of(value: Any) -> str:
    """A cell value as the text a clerk sees: 1.0 → "1", dates → "2023-05-01"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.10g}"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return clean_text(str(value))


_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")


def number_of(value: Any) -> float | None:
    """3, 3.0, "3", "3分", "３.5", "30%" → a number; None when there is none."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if value == value else None
    text = text_of(value)
    m = _NUMBER.search(text)
    if not m:
        return None
    try:
        return float(m.group(0))
    except ValueError:
        return None


# -- loading --------------------------------------------------------------------------------

def load_grid(path: Path | str) -> WorkbookGrid:
    """Read every sheet of an .xlsx/.xlsm or .xls file; raise WorkbookError on anything else."""
    path = Path(path)
    if not path.exists():
        raise WorkbookError("找不到该文件。", path)
    if path.is_dir():
        raise WorkbookError("这是一个文件夹，请选择 Excel 工作簿文件（.xlsx）。", path)
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise WorkbookError(f"无法读取文件（{exc.strerror or exc}）。如果文件正在 Excel 或 WPS "
                            "中打开，请先关闭再导入。", path) from exc
    if not head:
        raise WorkbookError("文件是空的（0 字节），不是有效的 Excel 工作簿。", path)
    if head.startswith(_OLE_MAGIC):
        data = path.read_bytes()
        if any(marker in data for marker in _ENCRYPTED_MARKERS):
            raise WorkbookError(
                "工作簿设置了打开密码（已加密），无法读取。请在 Excel 或 WPS 中打开，"
                "在“文件 → 信息 → 保护工作簿”中删除密码并保存后再导入。", path)
        return _load_xls(path)
    if head.startswith(b"PK"):
        return _load_xlsx(path)
    if path.suffix.lower() in (".csv", ".txt"):
        raise WorkbookError("这是文本文件，不是 Excel 工作簿。请在 Excel 中另存为 .xlsx 后导入。",
                            path)
    if path.suffix.lower() in (".et", ".ett"):
        raise WorkbookError("这是 WPS 表格文件，请在 WPS 中另存为 .xlsx 后导入。", path)
    raise WorkbookError("不是有效的 Excel 工作簿（文件已损坏，或并非 .xlsx / .xls 格式）。"
                        "请在 Excel 中打开后另存为 .xlsx 再导入。", path)


def _load_xlsx(path: Path) -> WorkbookGrid:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with warnings.catch_warnings():
            # WPS and Excel add extensions openpyxl does not know ("Data Validation extension is
            # not supported"); they do not affect the table, and must not alarm the clerk.
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(path, data_only=False, rich_text=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, EOFError) as exc:
        raise WorkbookError(
            "文件已损坏，无法作为 .xlsx 工作簿打开（" + type(exc).__name__ + "）。"
            "请在 Excel 中打开并另存为 .xlsx 后再导入。", path) from exc
    except OSError as exc:
        raise WorkbookError(f"无法读取文件（{exc.strerror or exc}）。", path) from exc
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on malformed XML
        raise WorkbookError(
            f"文件内容无法解析，可能已损坏（{type(exc).__name__}: {str(exc)[:80]}）。"
            "请在 Excel 中打开并另存为 .xlsx 后再导入。", path) from exc
    result = WorkbookGrid(path=path, sheets=[])
    cached: Any = None  # the data_only workbook, loaded only if a sheet has formulas
    try:
        for ws in wb.worksheets:
            rows, formulas = _sheet_values(ws)
            merges = [(r.min_row - 1, r.min_col - 1, r.max_row - 1, r.max_col - 1)
                      for r in ws.merged_cells.ranges]
            grid = SheetGrid(name=ws.title, rows=rows, merges=[], hidden=ws.sheet_state != "visible")
            if formulas:
                if cached is None:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        cached = openpyxl.load_workbook(path, data_only=True, rich_text=False)
                _fill_formula_values(result, grid, formulas, cached[ws.title], wb)
            grid.merges = _checked_merges(path, ws.title, merges, len(rows))
            grid.index_merges()
            result.sheets.append(grid)
    finally:
        wb.close()
        if cached is not None:
            cached.close()
    return result


def _sheet_values(ws: Any) -> tuple[list[list[Any]], dict[tuple[int, int], str]]:
    """Values of a sheet, trailing empty rows and columns cut; formula cells listed apart."""
    rows: list[list[Any]] = []
    formulas: dict[tuple[int, int], str] = {}
    formula_rows: set[int] = set()
    last_nonempty = -1
    max_col = 0
    for r, row in enumerate(ws.iter_rows(max_col=min(ws.max_column, MAX_COLS),
                                         max_row=min(ws.max_row, MAX_ROWS), values_only=True)):
        values = list(row)
        for c, v in enumerate(values):
            if v is None:
                continue
            if isinstance(v, str):
                if v.startswith("=") and len(v) > 1:
                    formulas[(r, c)] = v
                    formula_rows.add(r)
                    values[c] = None
                    continue
                if not v.strip():
                    values[c] = None
                    continue
            elif not isinstance(v, int | float | dt.date | dt.datetime | dt.time | dt.timedelta):
                # ArrayFormula / DataTableFormula objects and anything exotic: formula text.
                text = getattr(v, "text", None)
                if isinstance(text, str) and text.startswith("="):
                    formulas[(r, c)] = text
                    formula_rows.add(r)
                    values[c] = None
                    continue
                values[c] = str(v)
            max_col = max(max_col, c + 1)
        if any(v is not None for v in values) or r in formula_rows:
            last_nonempty = r
        rows.append(values)
    del rows[last_nonempty + 1:]
    for (_, c) in formulas:
        max_col = max(max_col, c + 1)
    return [row[:max_col] + [None] * (max_col - len(row)) for row in rows], formulas


def _fill_formula_values(
    book: WorkbookGrid, grid: SheetGrid, formulas: dict[tuple[int, int], str], cached_ws: Any,
    formula_wb: Any,
) -> None:
    """Use Excel's saved results; compute simple formulas whose results were never saved
    (files written by scripts), and say which cells could not be computed."""
    missing: list[tuple[int, int]] = []
    for (r, c) in formulas:
        value = cached_ws.cell(row=r + 1, column=c + 1).value
        if value is None:
            missing.append((r, c))
        elif r < len(grid.rows):
            grid.rows[r][c] = value
    if not missing:
        return
    ctx = FormulaContext(formula_wb, grid.name)
    failed: list[str] = []
    for r, c in missing:
        value = evaluate_formula(ctx, formulas[(r, c)], r, c)
        if value is None:
            failed.append(cell_name(r, c))
        elif r < len(grid.rows):
            grid.rows[r][c] = value
    if failed:
        shown = "、".join(failed[:8]) + (f" 等 {len(failed)} 个单元格" if len(failed) > 8 else "")
        book.warnings.append(
            f"工作表“{grid.name}”：{shown} 的公式没有保存计算结果，且无法自动计算，按空白处理。"
            "请在 Excel 中打开该文件、保存后重新导入。")


def _checked_merges(path: Path, sheet: str, merges: list[Merge], n_rows: int) -> list[Merge]:
    """Refuse overlapping merged ranges (Excel itself reports such files as damaged)."""
    ordered = sorted(merges)
    active: list[Merge] = []
    for m in ordered:
        active = [a for a in active if a[2] >= m[0]]
        for a in active:
            if a[1] <= m[3] and m[1] <= a[3]:
                raise WorkbookError(
                    f"合并单元格 {_range_name(a)} 与 {_range_name(m)} 互相重叠，表格结构无法确定"
                    "（文件可能由其他软件生成或已损坏）。请在 Excel 中取消这两处合并、重新合并后再导入。",
                    path, sheet, cell_name(m[0], m[1]))
        active.append(m)
    # Merges wholly below the last row with content carry nothing.
    return [m for m in ordered if m[0] < max(n_rows, 1) + 1]


def _range_name(m: Merge) -> str:
    return f"{cell_name(m[0], m[1])}:{cell_name(m[2], m[3])}"


def _load_xls(path: Path) -> WorkbookGrid:
    try:
        import xlrd
    except ImportError as exc:  # pragma: no cover - xlrd is a declared dependency
        raise WorkbookError("这是旧版 .xls 工作簿，请在 Excel 中另存为 .xlsx 后再导入。",
                            path) from exc
    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True,
                                  logfile=_NullLog())
    except xlrd.XLRDError as exc:
        msg = str(exc)
        if "encrypted" in msg.lower():
            raise WorkbookError("工作簿设置了打开密码（已加密），无法读取。请删除密码并保存后再导入。",
                                path) from exc
        raise WorkbookError(f"无法读取这个旧版 .xls 工作簿（{msg[:80]}）。"
                            "请在 Excel 中另存为 .xlsx 后再导入。", path) from exc
    except Exception as exc:  # noqa: BLE001 - xlrd raises struct/index errors on damaged files
        raise WorkbookError(f"旧版 .xls 工作簿已损坏或格式不受支持（{type(exc).__name__}）。"
                            "请在 Excel 中另存为 .xlsx 后再导入。", path) from exc
    result = WorkbookGrid(path=path, sheets=[])
    try:
        for idx in range(book.nsheets):
            sh = book.sheet_by_index(idx)
            rows: list[list[Any]] = []
            for r in range(min(sh.nrows, MAX_ROWS)):
                row: list[Any] = []
                for c in range(min(sh.ncols, MAX_COLS)):
                    cell = sh.cell(r, c)
                    row.append(_xls_value(cell, book.datemode, xlrd))
                rows.append(row)
            while rows and all(v is None for v in rows[-1]):
                rows.pop()
            merges = [(r0, c0, r1 - 1, c1 - 1) for r0, r1, c0, c1 in sh.merged_cells]
            grid = SheetGrid(name=sh.name, rows=rows, hidden=bool(getattr(sh, "visibility", 0)))
            grid.merges = _checked_merges(path, sh.name, merges, len(rows))
            grid.index_merges()
            result.sheets.append(grid)
            book.unload_sheet(idx)
    finally:
        book.release_resources()
    return result


def _xls_value(cell: Any, datemode: int, xlrd: Any) -> Any:
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return None
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate_as_datetime(cell.value, datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return cell.value
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if cell.ctype == xlrd.XL_CELL_TEXT:
        return cell.value if cell.value.strip() else None
    return cell.value


class _NullLog:
    """xlrd prints warnings about odd records to stdout by default; the clerk needs none."""

    def write(self, _text: str) -> int:
        return 0

"""Spreadsheets: .xlsx with openpyxl (read-only streaming), .xls/.et with xlrd.

Each sheet starts with a line naming it (工作表：名称), then one line per row with the cell values
separated by tabs, so that a search hit can be told apart by sheet and row.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

from indexing.extract.docx import sniff_ole
from indexing.extract.limits import MAX_TEXT_CHARS, cap_text, check_zip, read_member, refuse_dtd
from indexing.extract.result import CORRUPT, ENCRYPTED, Extraction, text_status


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows_text(sheets: list[tuple[str, list[list[Any]]]]) -> str:
    lines: list[str] = []
    size = 0
    for name, rows in sheets:
        lines.append(f"工作表：{name}")
        for row in rows:
            line = "\t".join(_cell(v) for v in row).rstrip("\t")
            if line.strip():
                lines.append(line)
                size += len(line)
        if size > MAX_TEXT_CHARS:
            break
    return "\n".join(lines)


def extract_xlsx(path: Path) -> Extraction:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = check_zip(zf)
            # openpyxl parses the parts itself; refuse DTDs before it sees them.
            for info in infos:
                if info.filename.endswith((".xml", ".rels")):
                    with zf.open(info) as fh:
                        refuse_dtd(fh.read(4096), info.filename)
            if "xl/workbook.xml" not in {i.filename for i in infos}:
                return Extraction(CORRUPT, "不是有效的 Excel 工作簿（缺少 xl/workbook.xml）")
            read_member(zf, "xl/workbook.xml")
    except zipfile.BadZipFile:
        kind = sniff_ole(path)
        if kind == "encrypted":
            return Extraction(ENCRYPTED, "工作簿设有打开密码，无法读取文字。请去掉密码后重新导入")
        if kind == "ole":
            return extract_xls(path)
        return Extraction(CORRUPT, "Excel 工作簿已损坏（不是有效的 .xlsx 压缩包，可能下载不完整）")
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
        try:
            sheets = []
            total = 0
            for ws in wb.worksheets:
                rows = []
                for row in ws.iter_rows(values_only=True):
                    rows.append(list(row))
                    total += len(row)
                    if total > MAX_TEXT_CHARS:
                        break
                sheets.append((ws.title, rows))
        finally:
            wb.close()
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for broken files
        return Extraction(CORRUPT, f"Excel 工作簿已损坏，无法读取：{exc}")
    info: dict[str, object] = {}
    text = cap_text(_rows_text(sheets), info)
    body = "\n".join(line for line in text.split("\n") if not line.startswith("工作表："))
    status, reason = text_status(body, "工作簿")
    return Extraction(status, reason, text, None, info)


def extract_xls(path: Path) -> Extraction:
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
    except xlrd.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            return Extraction(ENCRYPTED, "工作簿设有打开密码，无法读取文字。请去掉密码后重新导入")
        return Extraction(CORRUPT, f"旧版 Excel 工作簿无法读取：{exc}")
    except Exception as exc:  # noqa: BLE001 - struct errors, truncated files
        return Extraction(CORRUPT, f"旧版 Excel 工作簿已损坏：{exc}")
    try:
        sheets = []
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            rows = []
            for r in range(sheet.nrows):
                row: list[Any] = []
                for c in range(sheet.ncols):
                    cell = sheet.cell(r, c)
                    if cell.ctype == xlrd.XL_CELL_DATE:
                        try:
                            row.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
                        except (ValueError, OverflowError):
                            row.append(cell.value)
                    else:
                        row.append(cell.value)
                rows.append(row)
            sheets.append((sheet.name, rows))
            book.unload_sheet(index)
    finally:
        book.release_resources()
    info: dict[str, object] = {}
    text = cap_text(_rows_text(sheets), info)
    body = "\n".join(line for line in text.split("\n") if not line.startswith("工作表："))
    status, reason = text_status(body, "工作簿")
    return Extraction(status, reason, text, None, info)

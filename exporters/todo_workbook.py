"""The check as an Excel workbook the clerk prints and sends out (查漏补缺督办表).

Sheets: 汇总 (key figures, score preview per block and against the stage targets, every unit with a
link to its sheet), 测评标准 (every standard with its status and what it lacks), 质量问题 (every
finding, accepted ones marked), then one 督办单 per unit, named after it: the standards it must
complete, the files it must fix, and blank 完成时限 / 完成情况 columns for the clerk to fill in.
Every list has a frozen header and a filter, and prints on A4 landscape, one page wide.

Reads the report's JSON form (``CheckReport.as_json()``), so it needs no database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from archive.errors import CivLedgerError
from archive.filestore import FileStore

SUMMARY_SHEET = "汇总"
STANDARDS_SHEET = "测评标准"
FINDINGS_SHEET = "质量问题"
FIXED_SHEETS = (SUMMARY_SHEET, STANDARDS_SHEET, FINDINGS_SHEET)
MAX_SHEET_NAME = 31
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")

UNIT_HEADERS = ("序号", "事项", "测评标准编号", "测评标准", "本单位职责", "当前状态",
                "需补充的资料或需改正的问题", "相关文件", "完成时限", "完成情况")
UNIT_WIDTHS = (6, 10, 13, 40, 10, 10, 50, 30, 12, 14)
STANDARD_HEADERS = ("编号", "所属版块/项目/内容", "测评标准", "分值", "牵头单位", "责任/配合单位",
                    "状态", "文件数", "佐证资料（已有/需要）", "缺少的资料")
STANDARD_WIDTHS = (11, 32, 44, 7, 16, 26, 8, 8, 40, 44)
FINDING_HEADERS = ("序号", "问题类型", "文件编号", "题名", "来源路径", "测评标准", "单位",
                   "问题说明", "处理状态", "接受理由")
FINDING_WIDTHS = (6, 14, 9, 30, 36, 13, 16, 60, 10, 24)

_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
_STATUS_FILLS = {
    "complete": PatternFill("solid", fgColor="D9EAD3"),
    "partial": PatternFill("solid", fgColor="FFF2CC"),
    "missing": PatternFill("solid", fgColor="F4CCCC"),
}
_WRAP = Alignment(wrap_text=True, vertical="top")
_TITLE_FONT = Font(bold=True, size=14)
_LINK_FONT = Font(color="0563C1", underline="single")


def sheet_title(name: str, taken: Iterable[str]) -> str:
    """``name`` as an Excel sheet name: no []:*?/\\, not starting or ending with an apostrophe,
    at most 31 characters, unique ignoring case (a clash gets "(2)", "(3)" …)."""
    base = _SHEET_FORBIDDEN.sub("_", name).strip().strip("'").strip() or "单位"
    if base.casefold() == "history":  # reserved by Excel
        base += "_"
    used = {t.casefold() for t in taken}
    candidate = base[:MAX_SHEET_NAME]
    n = 1
    while candidate.casefold() in used:
        n += 1
        suffix = f"({n})"
        candidate = base[:MAX_SHEET_NAME - len(suffix)] + suffix
    return candidate


def _internal_link(cell: Any, sheet: str, text: str | None = None) -> None:
    quoted = sheet.replace("'", "''")
    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{quoted}'!A1",
                               display=text or sheet)
    if text is not None:
        cell.value = text
    cell.font = _LINK_FONT


def _file_link(cell: Any, store: FileStore | None, finding: dict[str, Any]) -> None:
    if store is None or not finding.get("sha256"):
        return
    path = store.path_for(finding["sha256"], finding.get("ext", "")).resolve()
    cell.hyperlink = path.as_uri()
    cell.font = _LINK_FONT


def _setup_print(ws: Worksheet, header_row: int) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def _table(ws: Worksheet, header_row: int, headers: Sequence[str], widths: Sequence[int],
           rows: Iterable[Sequence[Any]]) -> int:
    """Write a header and rows from ``header_row``; freeze, filter, borders. Returns last row."""
    for col, (text, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = ws.cell(row=header_row, column=col, value=text)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(col)].width = width
    last = header_row
    for last, values in enumerate(rows, start=header_row + 1):
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=last, column=col, value=value)
            cell.border = _BORDER
            cell.alignment = _WRAP
    end_col = get_column_letter(len(headers))
    ws.auto_filter.ref = f"A{header_row}:{end_col}{max(last, header_row + 1)}"
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    _setup_print(ws, header_row)
    return last


def _title(ws: Worksheet, text: str, subtitle: str, columns: int) -> None:
    ws.cell(row=1, column=1, value=text).font = _TITLE_FONT
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    ws.cell(row=2, column=1, value=subtitle)
    ws.row_dimensions[1].height = 24


def _percent(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value * 100:.1f}%".replace(".0%", "%")


def _scope(report: dict[str, Any]) -> str:
    unit = f"（{report['unit']}）" if report.get("unit") else ""
    return f"{report['period']} 年度{unit}"


# -- sheets -------------------------------------------------------------------------------
def _summary_sheet(ws: Worksheet, report: dict[str, Any], unit_sheets: list[str]) -> None:
    s, score = report["summary"], report["score"]
    _title(ws, f"{_scope(report)}创文佐证资料查漏补缺汇总",
           f"年度范围：{report['start']} 至 {report['end']}　　生成时间：{report['generated_at']}",
           7)
    figures = [
        ("测评标准", s["standards"]), ("资料齐全", s["complete"]), ("资料不全", s["partial"]),
        ("尚无资料", s["missing"]), ("齐全率", _percent(s["complete_ratio"])),
        ("按分值计完成率", _percent(score["weighted_ratio"])),
        ("预估得分 / 满分", f"{score['points']:g} / {score['max_points']:g}"),
        ("文件总数", s["documents"]), ("待处理质量问题", s["findings"]),
        ("已接受的问题", s["accepted"]), ("尚未提取文字的文件", s["pending"]),
    ]
    row = 4
    ws.cell(row=row, column=1, value="总体情况").font = Font(bold=True)
    for label, value in figures:
        row += 1
        ws.cell(row=row, column=1, value=label).border = _BORDER
        ws.cell(row=row, column=2, value=value).border = _BORDER

    row += 2
    ws.cell(row=row, column=1, value="各版块完成情况（得分预估）").font = Font(bold=True)
    row += 1
    block_headers = ("版块", "测评标准", "齐全", "不全", "缺失", "齐全率", "按分值计完成率")
    for col, text in enumerate(block_headers, start=1):
        c = ws.cell(row=row, column=col, value=text)
        c.font, c.fill, c.border = Font(bold=True), _HEADER_FILL, _BORDER
    for b in score["blocks"] + [{"code": "", "title": "合计", **score}]:
        row += 1
        values = (f"{b['code']} {b['title']}".strip(), b["total"], b["complete"], b["partial"],
                  b["missing"], _percent(b["ratio"]), _percent(b["weighted_ratio"]))
        for col, value in enumerate(values, start=1):
            ws.cell(row=row, column=col, value=value).border = _BORDER

    row += 2
    ws.cell(row=row, column=1, value="阶段目标").font = Font(bold=True)
    row += 1
    for col, text in enumerate(("阶段", "目标", "是否达到", "还需完成测评标准", "还差分值"),
                               start=1):
        c = ws.cell(row=row, column=col, value=text)
        c.font, c.fill, c.border = Font(bold=True), _HEADER_FILL, _BORDER
    for t in score["targets"]:
        row += 1
        current = "（本年度）" if t["stage"] == score.get("stage") else ""
        values = (t["stage"] + current, _percent(t["target"]), "已达到" if t["met"] else "未达到",
                  t["needed"], t["needed_points"])
        for col, value in enumerate(values, start=1):
            ws.cell(row=row, column=col, value=value).border = _BORDER

    row += 2
    ws.cell(row=row, column=1, value="各单位督办情况（点击单位名称查看督办单）").font = Font(bold=True)
    row += 1
    unit_rows = [
        (u["name"], u["contact"], u["phone"], len(u["standards"]), u["open_standards"],
         u["open_findings"], "有待办" if u["open_standards"] or u["open_findings"] else "已齐全")
        for u in report["units"]
    ]
    first = row + 1
    _table(ws, row, ("单位", "联络员", "电话", "承担测评标准", "资料未齐全", "待改正问题", "状态"),
           (34, 12, 16, 14, 12, 12, 10), unit_rows)
    for offset, (u, sheet) in enumerate(zip(report["units"], unit_sheets, strict=True)):
        _internal_link(ws.cell(row=first + offset, column=1), sheet, u["name"])
    # The summary's first rows are key figures, not a list: freeze only the title.
    ws.freeze_panes = "A3"
    ws.column_dimensions["A"].width = 34


def _standards_sheet(ws: Worksheet, report: dict[str, Any]) -> None:
    rows = []
    for st in report["standards"]:
        reqs = "；".join(f"{r['label']} {r['found']}/{r['min_count']}"
                        for r in st["requirements"])
        rows.append((st["code"], " / ".join(st["path"]), st["title"], st["score"],
                     "、".join(st["lead_units"]), "、".join(st["units"]), st["status_label"],
                     st["documents"], reqs, st["lacking_text"]))
    _table(ws, 1, STANDARD_HEADERS, STANDARD_WIDTHS, rows)
    for offset, st in enumerate(report["standards"]):
        ws.cell(row=2 + offset, column=7).fill = _STATUS_FILLS[st["status"]]


def _findings_sheet(ws: Worksheet, report: dict[str, Any], store: FileStore | None) -> None:
    rows = [
        (n, f["kind_label"], f["document_id"], f["title"], f["source_path"],
         "、".join(f["standards"]), f["unit"], f["message"],
         "已接受" if f["accepted"] else "待处理", f["reason"])
        for n, f in enumerate(report["findings"], start=1)
    ]
    _table(ws, 1, FINDING_HEADERS, FINDING_WIDTHS, rows)
    for offset, f in enumerate(report["findings"]):
        _file_link(ws.cell(row=2 + offset, column=5), store, f)
        if f["accepted"]:
            ws.cell(row=2 + offset, column=9).font = Font(color="808080")


def _unit_sheet(ws: Worksheet, report: dict[str, Any], unit: dict[str, Any],
                store: FileStore | None) -> None:
    contact = "　".join(x for x in (f"联络员：{unit['contact']}" if unit["contact"] else "",
                                    f"电话：{unit['phone']}" if unit["phone"] else "") if x)
    _title(ws, f"{unit['name']} 创文佐证资料督办单（{report['period']} 年度）",
           "　".join(x for x in (contact, f"生成时间：{report['generated_at']}") if x),
           len(UNIT_HEADERS))
    back = ws.cell(row=2, column=len(UNIT_HEADERS))
    _internal_link(back, SUMMARY_SHEET, "返回汇总")
    rows: list[tuple[Any, ...]] = []
    fills: list[str | None] = []
    links: list[dict[str, Any] | None] = []
    open_standards = [s for s in unit["standards"] if s["status"] != "complete"]
    for s in open_standards:
        rows.append((len(rows) + 1, "补充资料", s["code"], s["title"], s["role"],
                     s["status_label"], s["missing_text"], "", None, ""))
        fills.append(s["status"])
        links.append(None)
    titles = {st["code"]: st["title"] for st in report["standards"]}
    for f in (f for f in unit["findings"] if not f["accepted"]):
        code = "、".join(f["standards"])
        rows.append((len(rows) + 1, "改正问题", code,
                     "；".join(titles.get(c, "") for c in f["standards"]), "",
                     f["kind_label"], f["message"], f["source_path"], None, ""))
        fills.append(None)
        links.append(f)
    if not rows:
        rows.append(("", "", "", "所承担的测评标准资料已齐全，暂无待办事项。", "", "", "", "",
                     None, ""))
        fills.append(None)
        links.append(None)
    _table(ws, 3, UNIT_HEADERS, UNIT_WIDTHS, rows)
    for offset, (fill, finding) in enumerate(zip(fills, links, strict=True)):
        row = 4 + offset
        if fill:
            ws.cell(row=row, column=6).fill = _STATUS_FILLS[fill]
        if finding is not None:
            _file_link(ws.cell(row=row, column=8), store, finding)
    ws.print_title_rows = "1:3"


def write_todo_workbook(report: dict[str, Any], path: Path,
                        files_root: Path | None = None) -> Path:
    """Write the workbook for ``report`` (``CheckReport.as_json()``) to ``path``.

    ``files_root`` (the library's ``files/`` folder) turns source paths into links that open
    the stored file; without it the paths are plain text.
    """
    path = Path(path)
    store = FileStore(files_root) if files_root is not None else None
    wb = Workbook()
    summary = wb.active
    summary.title = SUMMARY_SHEET
    standards = wb.create_sheet(STANDARDS_SHEET)
    findings = wb.create_sheet(FINDINGS_SHEET)
    taken = list(FIXED_SHEETS)
    titles: list[str] = []
    for unit in report["units"]:
        long = len(unit["name"]) > MAX_SHEET_NAME and unit["short_name"]
        titles.append(sheet_title(unit["short_name"] if long else unit["name"], taken))
        taken.append(titles[-1])
    _summary_sheet(summary, report, titles)
    _standards_sheet(standards, report)
    _findings_sheet(findings, report, store)
    for unit, title in zip(report["units"], titles, strict=True):
        _unit_sheet(wb.create_sheet(title), report, unit, store)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        wb.save(str(path))
    except PermissionError as exc:
        raise CivLedgerError(f"无法写入 {path}：文件可能正在 Excel 中打开，请关闭后重试。"
                             ) from exc
    except OSError as exc:
        raise CivLedgerError(f"无法写入 {path}：{exc.strerror or exc}") from exc
    return path

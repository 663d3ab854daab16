"""资料目录: the package's catalogue after DA/T 22's 归档文件目录, as Excel (with a hyperlink to
every file) and as an A4 landscape Word table for printing.

One row per document per standard folder, in the order of the folders, so that the 序号 a clerk
reads in the catalogue is the order the evaluator meets the files in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import quote

from exporters.package.layout import Layout, Placement
from exporters.package.office import (
    add_table,
    save_docx,
    save_xlsx,
    setup_document,
    usable_width_twips,
)
from exporters.package.selection import Selection

HEADERS = ["序号", "档号", "文号", "责任者", "题名", "日期", "密级", "页数", "备注", "指标编号",
           "文件"]
# Relative widths of the printed columns (the Word table has no "文件" column).
_DOCX_WEIGHTS = [5, 16, 12, 10, 30, 8, 5, 5, 12, 9]
_XLSX_WIDTHS = [6, 24, 18, 16, 48, 10, 6, 6, 20, 10, 40]


@dataclass
class CatalogRow:
    seq: int
    archival_no: str
    doc_number: str
    author: str
    title: str
    date: str  # YYYYMMDD
    classification: str
    pages: int | None
    remarks: str
    code: str
    path: str

    def cells(self) -> list[object]:
        return [self.seq, self.archival_no, self.doc_number, self.author, self.title, self.date,
                self.classification, self.pages if self.pages is not None else "", self.remarks,
                self.code, self.path]


def ymd(day: dt.date | None) -> str:
    return day.strftime("%Y%m%d") if day else ""


def pages_of(p: Placement) -> int | None:
    if p.doc.pages is not None:
        return p.doc.pages
    return 1 if p.doc.kind == "photo" else None


def remarks_of(p: Placement, codes: dict[int, str]) -> str:
    notes = [p.doc.remarks.strip()] if p.doc.remarks.strip() else []
    others = [codes[i] for i in p.doc.standard_ids if i != p.standard.id and i in codes]
    if others:
        notes.append("同时归入 " + "、".join(others))
    if p.doc.is_classified:
        level = p.doc.classification if p.doc.classification != "公开" else p.doc.marking
        notes.append(f"原标密级“{level}”，已批准公开")
    return "；".join(notes)


def catalog_rows(sel: Selection, layout: Layout) -> list[CatalogRow]:
    codes = {s.id: s.code for s in sel.standards}
    rows: list[CatalogRow] = []
    for n, p in enumerate(layout.placements, start=1):
        rows.append(CatalogRow(
            seq=n, archival_no=p.archival_no, doc_number=p.doc.doc_number,
            author=p.doc.author or p.doc.unit, title=p.doc.title, date=ymd(p.doc.doc_date),
            classification=p.doc.classification, pages=pages_of(p),
            remarks=remarks_of(p, codes), code=p.standard.code, path=p.path,
        ))
    return rows


def link_target(path: str) -> str:
    """A relative link as Office writes it: Chinese kept as is; space, "#", "%" escaped."""
    return "".join(quote(ch) if ch in " #%^`{}[]" else ch for ch in path)


def title_of(sel: Selection) -> str:
    who = sel.organisation or ""
    return f"{who}{sel.period}年度创建文明城市测评资料目录"


def catalog_xlsx(sel: Selection, rows: list[CatalogRow], day: dt.date) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    wb = Workbook()
    ws = wb.active
    ws.title = "资料目录"
    ws.append(HEADERS)
    thin = Side(style="thin", color="000000")
    head_font = Font(bold=True)
    for col, width in enumerate(_XLSX_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
        cell = ws.cell(row=1, column=col)
        cell.font = head_font
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    link_font = Font(color="0563C1", underline="single")
    for r in rows:
        cells = r.cells()
        cells[-1] = r.path.rsplit("/", 1)[-1]
        ws.append(cells)
        link = ws.cell(row=ws.max_row, column=len(HEADERS))
        link.hyperlink = link_target(r.path)
        link.font = link_font
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}{max(ws.max_row, 2)}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = "1:1"
    ws.oddHeader.center.text = title_of(sel)
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    return save_xlsx(wb, day)


def catalog_docx(sel: Selection, rows: list[CatalogRow], day: dt.date) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = Document()
    setup_document(doc, landscape=True, margins_cm=1.8)
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(title_of(sel))
    run.bold = True
    run.font.size = doc.styles["Normal"].font.size * 1.6
    total = usable_width_twips(doc)
    weight = sum(_DOCX_WEIGHTS)
    widths = [total * w // weight for w in _DOCX_WEIGHTS]
    add_table(doc, HEADERS[:-1], [r.cells()[:-1] for r in rows], widths)
    doc.add_paragraph(f"共 {len(rows)} 件。导出日期：{day.isoformat()}")
    return save_docx(doc, day)

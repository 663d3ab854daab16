"""资料目录: the package's catalogue after DA/T 22's 归档文件目录, as Excel (with a hyperlink to
every file) and as an A4 landscape Word table for printing.

One row per document per standard folder, in the order of the folders, so that the 序号 a clerk
reads in the catalogue is the order the evaluator meets the files in.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from xml.sax.saxutils import escape

from exporters.package.layout import Layout, Placement
from exporters.package.office import WordDocument, save_xlsx, xml_safe
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


# "%" first, so that the escapes of the others are not escaped again.
_LINK_ESCAPES = [(ch, f"%{ord(ch):02X}") for ch in "% #^`{}[]"]
# Text that needs work before it goes into the sheet's XML: markup characters, or control
# characters XML cannot hold. Most cells have neither and are written as they are.
_XML_SPECIAL = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def link_target(path: str) -> str:
    """A relative link as Office writes it: Chinese kept as is; space, "#", "%" escaped."""
    # str.replace per character present: str.translate is slow on Chinese text.
    for ch, escaped in _LINK_ESCAPES:
        if ch in path:
            path = path.replace(ch, escaped)
    return path


def title_of(sel: Selection) -> str:
    who = sel.organisation or ""
    return f"{who}{sel.period}年度创建文明城市测评资料目录"


def _column(n: int) -> str:
    name = ""
    while n:
        n, rem = divmod(n - 1, 26)
        name = chr(65 + rem) + name
    return name


def _sheet_rows(rows: list[CatalogRow], link_style: str) -> tuple[str, str, str]:
    """Rows 2… of the sheet, its <hyperlinks> and the sheet's relationships, as XML text.

    openpyxl takes ~40 µs a cell (minutes for a large catalogue, and quadratic in places); the
    sheet body is plain enough to write directly.
    """
    cols = [_column(i) for i in range(1, len(HEADERS) + 1)]
    link_col = cols[-1]
    body: list[str] = []
    links: list[str] = []
    rels: list[str] = []
    rel_type = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
    for n, r in enumerate(rows, start=2):
        cells = r.cells()
        cells[-1] = r.path.rsplit("/", 1)[-1]
        out = [f'<row r="{n}">']
        for col, value in zip(cols, cells, strict=True):
            if value is None or value == "":
                continue
            style = link_style if col == link_col else ""
            if isinstance(value, int):
                out.append(f'<c r="{col}{n}"{style} t="n"><v>{value}</v></c>')
            else:
                text = str(value)
                if _XML_SPECIAL.search(text):
                    text = escape(xml_safe(text))
                out.append(f'<c r="{col}{n}"{style} t="inlineStr"><is>'
                           f'<t xml:space="preserve">{text}</t></is></c>')
        out.append("</row>")
        body.append("".join(out))
        links.append(f'<hyperlink ref="{link_col}{n}" r:id="rIdL{n}"/>')
        target = link_target(r.path)
        if _XML_SPECIAL.search(target) or '"' in target:
            target = escape(target, {'"': "&quot;"})
        rels.append(f'<Relationship Type="{rel_type}" Target="{target}" '
                    f'TargetMode="External" Id="rIdL{n}"/>')
    links_xml = ('<hyperlinks xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
                 f'relationships">{"".join(links)}</hyperlinks>') if links else ""
    rels_xml = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                f'relationships">{"".join(rels)}</Relationships>')
    return "".join(body), links_xml, rels_xml


def catalog_xlsx(sel: Selection, rows: list[CatalogRow], day: dt.date) -> bytes:
    """The catalogue workbook: frozen header, filter, a hyperlink to every file, A4 landscape.

    openpyxl writes the workbook around a header row and one sample row (styles, view, print
    setup); the rows themselves are then spliced in as XML.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.worksheet.properties import PageSetupProperties

    wb = Workbook()
    ws = wb.active
    ws.title = "资料目录"
    ws.append(HEADERS)
    ws.append(["x"] * len(HEADERS))
    thin = Side(style="thin", color="000000")
    for col, width in enumerate(_XLSX_WIDTHS, start=1):
        ws.column_dimensions[_column(col)].width = width
        cell = ws.cell(row=1, column=col)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    sample = ws.cell(row=2, column=len(HEADERS))
    sample.hyperlink = "x"
    sample.font = Font(color="0563C1", underline="single")
    last_col = _column(len(HEADERS))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{last_col}2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = "1:1"
    ws.oddHeader.center.text = xml_safe(title_of(sel))
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    last = max(len(rows) + 1, 2)
    sheet = "xl/worksheets/sheet1.xml"
    rels_xml = ""

    def splice_sheet(body: bytes) -> bytes:
        nonlocal rels_xml
        text = body.decode()
        found = re.search(rf'<c r="{last_col}2"( s="\d+")?', text)
        rows_xml, links_xml, rels_xml = _sheet_rows(rows, (found.group(1) or "") if found
                                                    else "")
        head = re.search(r'<row r="1".*?</row>', text, re.S)
        assert head is not None
        text = re.sub(r"<sheetData>.*</sheetData>",
                      lambda _m: f"<sheetData>{head.group(0)}{rows_xml}</sheetData>", text,
                      flags=re.S)
        text = re.sub(r"<hyperlinks.*?</hyperlinks>", lambda _m: links_xml, text, flags=re.S)
        text = text.replace(f'ref="A1:{last_col}2"', f'ref="A1:{last_col}{last}"')
        return text.encode()

    def splice_rels(_body: bytes) -> bytes:
        if not rels_xml:  # openpyxl writes the sheet before its relationships
            raise RuntimeError("资料目录：工作表关系文件先于工作表写出")
        return rels_xml.encode()

    def splice_book(body: bytes) -> bytes:
        return body.replace(f"$A$1:${last_col}$2".encode(), f"$A$1:${last_col}${last}".encode())

    return save_xlsx(wb, day, {
        sheet: splice_sheet,
        "xl/workbook.xml": splice_book,
        "xl/worksheets/_rels/sheet1.xml.rels": splice_rels,
    })


def catalog_docx(sel: Selection, rows: list[CatalogRow], day: dt.date) -> bytes:
    doc = WordDocument(landscape=True, margin_cm=1.8)
    doc.paragraph(title_of(sel), bold=True, size_pt=16, align="center")
    total = doc.width_twips
    weight = sum(_DOCX_WEIGHTS)
    widths = [total * w // weight for w in _DOCX_WEIGHTS]
    doc.table(HEADERS[:-1], [r.cells()[:-1] for r in rows], widths)
    doc.paragraph(f"共 {len(rows)} 件。导出日期：{day.isoformat()}")
    return doc.to_bytes(day)

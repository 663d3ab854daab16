"""Small helpers for the Word and Excel files of a package.

Word and Excel files are zips stamped with the time they were written. A package re-exported on
the same day must come out byte-identical when nothing changed (re-export copies only what changed,
by hash), so every generated file is normalised: fixed entry times, and the document properties'
created/modified set to the export date.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any
from xml.sax.saxutils import escape

from docx.enum.section import WD_ORIENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt

_CORE_DATES = re.compile(
    rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")
CJK_FONT = "宋体"
LATIN_FONT = "Times New Roman"


def normalise_ooxml(data: bytes, day: dt.date) -> bytes:
    """``data`` (a .docx/.xlsx) rewritten with entry times and document dates fixed to ``day``."""
    stamp = f"{day.isoformat()}T00:00:00Z".encode()
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _CORE_DATES.sub(lambda m: m.group(1) + stamp + m.group(3), body)
            fixed = zipfile.ZipInfo(info.filename, date_time=(day.year, day.month, day.day, 0, 0,
                                                              0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, body)
    return out.getvalue()


def setup_document(doc: Any, landscape: bool = False, margins_cm: float = 2.0) -> None:
    """A4 paper, the given orientation, and a Chinese body font (宋体, 10.5 pt = 五号)."""
    section = doc.sections[0]
    width, height = Cm(21.0), Cm(29.7)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = height, width
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = width, height
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(margins_cm))
    style = doc.styles["Normal"]
    style.font.name = LATIN_FONT
    style.font.size = Pt(10.5)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = parse_xml(f"<w:rFonts {nsdecls('w')}/>")
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), CJK_FONT)


def usable_width_twips(doc: Any) -> int:
    section = doc.sections[0]
    return int((section.page_width - section.left_margin - section.right_margin) / 635)


def _cell(text: str, width: int, bold: bool = False, link: str = "") -> str:
    runs = []
    for i, line in enumerate(str(text).split("\n")):
        if i:
            runs.append("<w:r><w:br/></w:r>")
        rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
        runs.append(f'<w:r>{rpr}<w:t xml:space="preserve">{escape(line)}</w:t></w:r>')
    body = "".join(runs)
    if link:
        body = f'<w:hyperlink r:id="{link}">{body}</w:hyperlink>'
    return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
            f"<w:p><w:pPr><w:spacing w:before=\"0\" w:after=\"0\"/></w:pPr>{body}</w:p></w:tc>")


def add_table(doc: Any, headers: list[str], rows: list[list[Any]], widths: list[int]) -> Any:
    """A bordered table with a header row repeated on every page, built as one XML string.

    python-docx's cell-by-cell API takes minutes for a catalogue of 20,000 rows; one parse of
    the finished XML takes well under a second.
    """
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    border = '<w:{0} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
    borders = "".join(border.format(side) for side in
                      ("top", "left", "bottom", "right", "insideH", "insideV"))
    head = ('<w:tr><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>'
            + "".join(_cell(h, w, bold=True) for h, w in zip(headers, widths, strict=True))
            + "</w:tr>")
    body = "".join(
        "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
        + "".join(_cell("" if v is None else v, w) for v, w in zip(row, widths, strict=True))
        + "</w:tr>"
        for row in rows
    )
    xml = (f"<w:tbl {nsdecls('w', 'r')}><w:tblPr><w:tblW w:w=\"{sum(widths)}\" w:type=\"dxa\"/>"
           f"<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type=\"fixed\"/></w:tblPr>"
           f"<w:tblGrid>{grid}</w:tblGrid>{head}{body}</w:tbl>")
    tbl = parse_xml(xml)
    doc.element.body.append(tbl)
    # The body must end with its section properties.
    sect = doc.element.body.find(qn("w:sectPr"))
    if sect is not None:
        doc.element.body.remove(sect)
        doc.element.body.append(sect)
    return tbl


def save_docx(doc: Any, day: dt.date) -> bytes:
    buf = io.BytesIO()
    doc.core_properties.author = "创文台账"
    doc.core_properties.last_modified_by = "创文台账"
    doc.save(buf)
    return normalise_ooxml(buf.getvalue(), day)


def save_xlsx(wb: Any, day: dt.date) -> bytes:
    buf = io.BytesIO()
    wb.properties.creator = "创文台账"
    wb.save(buf)
    return normalise_ooxml(buf.getvalue(), day)

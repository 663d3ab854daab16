"""Word and Excel files of a package, written fast and byte-for-byte reproducibly.

A package holds one Word form per standard (200 and more) and a catalogue of up to tens of
thousands of rows. python-docx needs ~70 ms per small document (it parses and re-compresses its
800 KB template each time) and minutes for a 20,000-row table, so Word files are assembled here
from body XML on a template prepared once: the template's parts are compressed once, and each
document adds only its own ``document.xml``, relationships and images.

Re-exporting copies only what changed, by hash, so generated files must come out identical when
nothing changed: zip entry times and document dates are set to the export date.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

CJK_FONT = "宋体"
LATIN_FONT = "Times New Roman"
TWIPS_PER_CM = 1440 / 2.54
EMU_PER_CM = 360_000
A4_SHORT, A4_LONG = 11906, 16838  # twips

_CORE_DATES = re.compile(
    rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# What keeps a table cell from being written as it is: markup, a line break, an illegal character.
_TABLE_SPECIAL = re.compile("[&<>\n\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
      'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
      'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
      'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"')
_IMAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
_PER_DOCUMENT = ("[Content_Types].xml", "word/document.xml", "word/_rels/document.xml.rels",
                 "docProps/core.xml", "docProps/thumbnail.jpeg", "_rels/.rels")


# Deflate level of the generated .docx/.xlsx: they are made while the export copies and reads
# back gigabytes on the same cores; level 1 deflates XML about 1.5x as fast as the default 6
# (0.4 CPU-s of deflate for 21,000 placements before), for somewhat larger files.
FAST_DEFLATE = 1


def xml_safe(text: Any) -> str:
    """Text without the control characters XML 1.0 (and so Word and Excel) cannot hold."""
    return _XML_ILLEGAL.sub(" ", "" if text is None else str(text))


def _zip_date(day: dt.date) -> tuple[int, int, int, int, int, int]:
    return (max(day.year, 1980), day.month, day.day, 0, 0, 0)


def normalise_ooxml(data: bytes, day: dt.date,
                    replace: dict[str, Callable[[bytes], bytes]] | None = None) -> bytes:
    """``data`` (a .docx/.xlsx) rewritten with entry times and document dates fixed to ``day``;
    parts named in ``replace`` are passed through the given function on the way."""
    stamp = f"{day.isoformat()}T00:00:00Z".encode()
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=FAST_DEFLATE) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _CORE_DATES.sub(lambda m: m.group(1) + stamp + m.group(3), body)
            if replace and info.filename in replace:
                body = replace[info.filename](body)
            fixed = zipfile.ZipInfo(info.filename, date_time=_zip_date(day))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, body)
    return out.getvalue()


def save_xlsx(wb: Any, day: dt.date,
              replace: dict[str, Callable[[bytes], bytes]] | None = None) -> bytes:
    buf = io.BytesIO()
    wb.properties.creator = "创文台账"
    wb.save(buf)
    return normalise_ooxml(buf.getvalue(), day, replace)


@dataclass(frozen=True)
class _Template:
    zip_bytes: bytes  # every shared part, compressed once
    content_types: str
    document_rels: str
    package_rels: str
    core: bytes


@functools.cache
def _template() -> _Template:
    """python-docx's default template with a Chinese body font (宋体, 10.5 pt = 五号)."""
    from docx import Document
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = LATIN_FONT
    style.font.size = Pt(10.5)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = parse_xml(f"<w:rFonts {nsdecls('w')}/>")
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), CJK_FONT)
    doc.core_properties.author = "创文台账"
    doc.core_properties.last_modified_by = "创文台账"
    raw = io.BytesIO()
    doc.save(raw)
    src = zipfile.ZipFile(raw)
    shared = io.BytesIO()
    with zipfile.ZipFile(shared, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename in _PER_DOCUMENT:
                continue
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            out.writestr(entry, src.read(info.filename))
    package_rels = re.sub(r'<Relationship [^>]*Target="docProps/thumbnail.jpeg"/>', "",
                          src.read("_rels/.rels").decode())
    content_types = src.read("[Content_Types].xml").decode()
    if 'Extension="jpeg"' not in content_types:
        content_types = content_types.replace(
            "<Default ", '<Default Extension="jpeg" ContentType="image/jpeg"/><Default ', 1)
    return _Template(shared.getvalue(), content_types,
                     src.read("word/_rels/document.xml.rels").decode(), package_rels,
                     src.read("docProps/core.xml"))


def _run(text: str, bold: bool = False, size_pt: float | None = None) -> str:
    props = "<w:b/><w:bCs/>" if bold else ""
    if size_pt:
        half = int(round(size_pt * 2))
        props += f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    out = []
    for i, line in enumerate(xml_safe(text).split("\n")):
        if i:
            out.append(f"<w:r>{rpr}<w:br/></w:r>")
        out.append(f'<w:r>{rpr}<w:t xml:space="preserve">{escape(line)}</w:t></w:r>')
    return "".join(out)


@dataclass
class WordDocument:
    """A Word document built from paragraphs, tables and pictures on the shared template."""

    landscape: bool = False
    margin_cm: float = 2.0
    _body: list[str] = field(default_factory=list)
    _images: list[bytes] = field(default_factory=list)

    @property
    def width_twips(self) -> int:
        page = A4_LONG if self.landscape else A4_SHORT
        return int(page - 2 * self.margin_cm * TWIPS_PER_CM)

    def paragraph(self, text: str = "", bold: bool = False, size_pt: float | None = None,
                  align: str = "", space_before_pt: float = 0) -> None:
        self.runs([(text, bold)], size_pt=size_pt, align=align, space_before_pt=space_before_pt)

    def runs(self, parts: list[tuple[str, bool]], size_pt: float | None = None,
             align: str = "", space_before_pt: float = 0) -> None:
        ppr = ""
        if space_before_pt:
            ppr += f'<w:spacing w:before="{int(space_before_pt * 20)}"/>'
        if align:
            ppr += f'<w:jc w:val="{align}"/>'
        body = "".join(_run(text, bold, size_pt) for text, bold in parts if text)
        self._body.append(f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}{body}</w:p>")

    def page_break(self) -> None:
        self._body.append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')

    def table(self, headers: list[str], rows: list[list[Any]], widths: list[int]) -> None:
        """A bordered table, header row repeated on every page, rows never split."""
        grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
        border = '<w:{0} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        borders = "".join(border.format(side) for side in
                          ("top", "left", "bottom", "right", "insideH", "insideV"))

        opening = [f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr><w:p><w:pPr>'
                   '<w:spacing w:before="0" w:after="0"/></w:pPr>' for w in widths]
        closing = "</w:p></w:tc>"

        def content(value: Any, bold: bool = False) -> str:
            text = value if isinstance(value, str) else ("" if value is None else str(value))
            if not text:
                return ""
            if bold or "\n" in text or _XML_ILLEGAL.search(text):
                return _run(text, bold)
            return f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'

        parts = [f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
                 f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
                 f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>"
                 "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"]
        parts += [o + content(h, bold=True) + closing
                  for o, h in zip(opening, headers, strict=True)]
        parts.append("</w:tr>")
        row_open = "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
        # The common cell (plain text: no markup, line break or control character) as one
        # string operation; catalogues have 200,000 cells and more.
        plain = [(o + '<w:r><w:t xml:space="preserve">', o + closing) for o in opening]
        plain_close = "</w:t></w:r>" + closing
        special = _TABLE_SPECIAL.search
        for row in rows:
            parts.append(row_open)
            for (start, empty), value, o in zip(plain, row, opening, strict=True):
                text = value if isinstance(value, str) else ("" if value is None else str(value))
                if not text:
                    parts.append(empty)
                elif special(text) is None:
                    parts.append(start + text + plain_close)
                else:
                    parts.append(o + content(text) + closing)
            parts.append("</w:tr>")
        parts.append("</w:tbl>")
        self._body.append("".join(parts))
        # Word needs a paragraph between two tables and after the last one.
        self._body.append("<w:p/>")

    def picture(self, jpeg: bytes, width_cm: float, height_cm: float) -> None:
        """A JPEG in its own centred paragraph."""
        self._images.append(jpeg)
        n = len(self._images)
        cx, cy = int(width_cm * EMU_PER_CM), int(height_cm * EMU_PER_CM)
        self._body.append(
            '<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:drawing>'
            f'<wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{cx}" cy="{cy}"/>'
            f'<wp:docPr id="{n}" name="图片 {n}"/><wp:cNvGraphicFramePr>'
            '<a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr><a:graphic>'
            '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
            f'<pic:pic><pic:nvPicPr><pic:cNvPr id="{n}" name="image{n}.jpeg"/><pic:cNvPicPr/>'
            f'</pic:nvPicPr><pic:blipFill><a:blip r:embed="rIdImage{n}"/><a:stretch>'
            '<a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/>'
            f'<a:ext cx="{cx}" cy="{cy}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/>'
            "</a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline>"
            "</w:drawing></w:r></w:p>")

    def _section(self) -> str:
        margin = int(self.margin_cm * TWIPS_PER_CM)
        if self.landscape:
            size = f'<w:pgSz w:w="{A4_LONG}" w:h="{A4_SHORT}" w:orient="landscape"/>'
        else:
            size = f'<w:pgSz w:w="{A4_SHORT}" w:h="{A4_LONG}"/>'
        return (f"<w:sectPr>{size}<w:pgMar w:top=\"{margin}\" w:right=\"{margin}\" "
                f"w:bottom=\"{margin}\" w:left=\"{margin}\" w:header=\"567\" w:footer=\"567\" "
                'w:gutter="0"/><w:cols w:space="425"/><w:docGrid w:linePitch="312"/></w:sectPr>')

    def to_bytes(self, day: dt.date) -> bytes:
        t = _template()
        document = ("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
                    f"<w:document {NS}><w:body>{''.join(self._body)}{self._section()}"
                    "</w:body></w:document>")
        rels = t.document_rels.replace("</Relationships>", "".join(
            f'<Relationship Id="rIdImage{n}" Type="{_IMAGE_REL}" '
            f'Target="media/image{n}.jpeg"/>' for n in range(1, len(self._images) + 1))
            + "</Relationships>")
        stamp = f"{day.isoformat()}T00:00:00Z".encode()
        core = _CORE_DATES.sub(lambda m: m.group(1) + stamp + m.group(3), t.core)
        buf = io.BytesIO(t.zip_bytes)
        when = _zip_date(day)
        with zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED, compresslevel=FAST_DEFLATE) as z:
            def put(name: str, data: bytes | str, method: int = zipfile.ZIP_DEFLATED) -> None:
                entry = zipfile.ZipInfo(name, date_time=when)
                entry.compress_type = method
                entry.external_attr = 0o600 << 16
                z.writestr(entry, data)

            put("[Content_Types].xml", t.content_types)
            put("_rels/.rels", t.package_rels)
            put("docProps/core.xml", core)
            put("word/document.xml", document)
            put("word/_rels/document.xml.rels", rels)
            for n, image in enumerate(self._images, start=1):
                put(f"word/media/image{n}.jpeg", image, zipfile.ZIP_STORED)
        return buf.getvalue()

"""Real Word, PDF, Excel, JPEG/PNG and zip bytes for the demo, made reproducible.

Office writers stamp the current time into zip entries and ``docProps/core.xml``, and PDF writers
add dates and a random ``/ID``; a seed must still give byte-identical files (the check finds reused
files by hash, and tests compare runs), so every time stamp here comes from the document's own date.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import hashlib
import io
import random
import re
import struct
import zipfile
from typing import Any

_CORE_DATE = re.compile(
    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)"
)


def _zip_time(when: dt.datetime) -> tuple[int, int, int, int, int, int]:
    return (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)


def stamp_zip(data: bytes, when: dt.datetime) -> bytes:
    """Set every entry's time in a finished zip, in place: no recompression (docx are many).

    Also clears what depends on the writing platform (``create_system``, external attributes).
    """
    buf = bytearray(data)
    y, mo, d, h, mi, sec = _zip_time(when)
    dos_time = (h << 11) | (mi << 5) | (sec // 2)
    dos_date = ((y - 1980) << 9) | (mo << 5) | d
    eocd = buf.rfind(b"PK\x05\x06")
    entries, _size, offset = struct.unpack_from("<HII", buf, eocd + 10)
    for _ in range(entries):
        if buf[offset:offset + 4] != b"PK\x01\x02":
            raise ValueError("not a zip central directory")
        buf[offset + 5] = 0  # made by MS-DOS
        struct.pack_into("<HH", buf, offset + 12, dos_time, dos_date)
        struct.pack_into("<I", buf, offset + 38, 0)
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", buf, offset + 28)
        (local,) = struct.unpack_from("<I", buf, offset + 42)
        struct.pack_into("<HH", buf, local + 10, dos_time, dos_date)
        offset += 46 + name_len + extra_len + comment_len
    return bytes(buf)


def freeze_zip(data: bytes, when: dt.datetime) -> bytes:
    """Rewrite an OOXML package with fixed entry times and fixed core-property dates."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "docProps/core.xml":
                body = _CORE_DATE.sub(rb"\g<1>" + stamp + rb"\g<2>", body)
            entry = zipfile.ZipInfo(info.filename, date_time=_zip_time(when))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0  # zipfile says 3 (Unix) except on Windows: fix it
            entry.external_attr = 0
            dst.writestr(entry, body)
    return out.getvalue()


@functools.cache
def _blank_docx() -> Any:
    """python-docx's default template, parsed once; each document starts from a deep copy
    (half the cost of parsing the template again)."""
    from docx import Document

    return Document()


def docx_bytes(
    title: str,
    paragraphs: list[str],
    when: dt.datetime,
    number: str = "",
    signature: list[str] | None = None,
    header: str = "",
    table: list[list[str]] | None = None,
    author: str = "",
) -> bytes:
    """A Word document: optional 文号 line, title, body, optional table, signature and date.

    Styles are set by id and table cells through their elements: python-docx's lookups by
    style name and ``table.cell()`` cost milliseconds each, and the demo writes hundreds.
    """
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt
    from docx.table import _Cell

    doc = copy.deepcopy(_blank_docx())
    section = doc.sections[0]
    if header:
        section.header.paragraphs[0].text = header
    if number:
        doc.add_paragraph(number).alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading = doc.add_paragraph(title)
    heading._p.get_or_add_pPr().style = "Heading1"
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    indent = Pt(21)
    for text in paragraphs:
        doc.add_paragraph(text).paragraph_format.first_line_indent = indent
    if table:
        grid = doc.add_table(rows=len(table), cols=len(table[0]))
        grid._tbl.tblStyle_val = "TableGrid"
        for tr, row in zip(grid._tbl.tr_lst, table, strict=True):
            for tc, value in zip(tr.tc_lst, row, strict=True):
                _Cell(tc, grid).text = str(value)
    for line in signature or []:
        doc.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    props = doc.core_properties
    props.title = title
    props.author = author
    props.last_modified_by = author
    props.created = when
    props.modified = when
    props.last_printed = when
    props.revision = 1
    props.comments = ""
    buf = io.BytesIO()
    doc.save(buf)  # the core properties above are all dated: only zip entry times remain
    return stamp_zip(buf.getvalue(), when)


def _pdf_date(when: dt.datetime) -> str:
    return when.strftime("D:%Y%m%d%H%M%S+08'00'")


def _pdf_finish(doc: object, title: str, author: str, when: dt.datetime) -> bytes:
    doc.set_metadata({  # type: ignore[attr-defined]
        "title": title, "author": author, "creator": "WPS Office", "producer": "WPS Office",
        "creationDate": _pdf_date(when), "modDate": _pdf_date(when),
    })
    data = doc.tobytes(garbage=3, deflate=True, no_new_id=True)  # type: ignore[attr-defined]
    doc.close()  # type: ignore[attr-defined]
    return data


def pdf_bytes(pages: list[str], when: dt.datetime, title: str = "", author: str = "") -> bytes:
    """A PDF with a Chinese text layer (PyMuPDF's built-in ``china-s`` font), A4 pages."""
    import pymupdf

    doc = pymupdf.open()
    for text in pages:
        page = doc.new_page(width=595, height=842)
        page.insert_textbox(pymupdf.Rect(60, 60, 535, 790), text, fontname="china-s",
                            fontsize=11, lineheight=1.6)
    return _pdf_finish(doc, title, author, when)


def scan_image_bytes(rng: random.Random, width: int = 620, height: int = 877) -> bytes:
    """A greyish page with dark bars for lines of text and a red seal — what a scanner makes."""
    from PIL import Image, ImageDraw

    img = Image.new("L", (width, height), 236 + rng.randint(-6, 6))
    draw = ImageDraw.Draw(img)
    draw.rectangle((width // 2 - 150, 60, width // 2 + 150, 78), fill=40)  # title line
    y = 120
    while y < height - 140:
        indent = 70 if rng.random() < 0.2 else 50
        draw.rectangle((indent, y, width - 50 - rng.randint(0, 160), y + 9),
                       fill=60 + rng.randint(0, 40))
        y += 24
    page = img.convert("RGB")
    ImageDraw.Draw(page).ellipse((width - 230, height - 200, width - 110, height - 80),
                                 outline=(200, 30, 30), width=5)
    buf = io.BytesIO()
    page.save(buf, "JPEG", quality=70)
    return buf.getvalue()


def scanned_pdf_bytes(rng: random.Random, when: dt.datetime, pages: int = 1) -> bytes:
    """An image-only PDF: no text layer at all, as a scanner without OCR writes it."""
    import pymupdf

    doc = pymupdf.open()
    for _ in range(pages):
        page = doc.new_page(width=595, height=842)
        page.insert_image(page.rect, stream=scan_image_bytes(rng))
    return _pdf_finish(doc, "", "", when)


_PDF_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _rc4(key: bytes, data: bytes) -> bytes:
    box = list(range(256))
    j = 0
    for i in range(256):
        j = (j + box[i] + key[i % len(key)]) % 256
        box[i], box[j] = box[j], box[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + box[i]) % 256
        box[i], box[j] = box[j], box[i]
        out.append(byte ^ box[(box[i] + box[j]) % 256])
    return bytes(out)


def _md5(data: bytes) -> bytes:
    return hashlib.md5(data, usedforsecurity=False).digest()


def encrypted_pdf_bytes(lines: list[str], user_pw: str, file_id: bytes) -> bytes:
    """A PDF protected by a password (standard security handler, RC4-128, revision 3).

    Written by hand because PDF libraries salt every encryption with a random file ID, and the
    demo's files must repeat byte for byte. The algorithm is ISO 32000-1, 7.6.3 (algorithms 2–5).
    """
    perms = -4
    pad_user = (user_pw.encode("latin-1") + _PDF_PAD)[:32]
    owner_key = _md5(b"qingyuan" + _PDF_PAD[:24])
    for _ in range(50):
        owner_key = _md5(owner_key)
    owner = _rc4(owner_key, pad_user)
    for i in range(1, 20):
        owner = _rc4(bytes(b ^ i for b in owner_key), owner)
    key = _md5(pad_user + owner + struct.pack("<i", perms) + file_id)
    for _ in range(50):
        key = _md5(key)
    user = _rc4(key, _md5(_PDF_PAD + file_id))
    for i in range(1, 20):
        user = _rc4(bytes(b ^ i for b in key), user)
    user += bytes(16)

    def seal(num: int, data: bytes) -> bytes:
        return _rc4(_md5(key + num.to_bytes(3, "little") + b"\0\0"), data)

    ops = ["BT", "/F1 14 Tf", "60 780 Td", "22 TL"]
    for line in lines:
        ops.append(f"<{line.encode('utf-16-be').hex().upper()}> Tj T*")
    ops.append("ET")
    stream = seal(4, "\n".join(ops).encode("ascii"))
    objects = {
        1: b"<</Type/Catalog/Pages 2 0 R>>",
        2: b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        3: b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R"
           b"/Resources<</Font<</F1 5 0 R>>>>>>",
        4: b"<</Length %d>>stream\n" % len(stream) + stream + b"\nendstream",
        5: b"<</Type/Font/Subtype/Type0/BaseFont/STSong-Light/Encoding/UniGB-UCS2-H"
           b"/DescendantFonts[6 0 R]>>",
        6: b"<</Type/Font/Subtype/CIDFontType0/BaseFont/STSong-Light/CIDSystemInfo<</Registry <"
           + seal(6, b"Adobe").hex().encode() + b">/Ordering <" + seal(6, b"GB1").hex().encode()
           + b">/Supplement 2>>/FontDescriptor 7 0 R>>",
        7: b"<</Type/FontDescriptor/FontName/STSong-Light/Flags 6/FontBBox[-25 -254 1000 880]"
           b"/ItalicAngle 0/Ascent 880/Descent -120/CapHeight 880/StemV 93>>",
        8: b"<</Filter/Standard/V 2/R 3/Length 128/P %d/O <%s>/U <%s>>>"
           % (perms, owner.hex().encode(), user.hex().encode()),
    }
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for num, body in objects.items():
        offsets.append(len(out))
        out += b"%d 0 obj\n" % num + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    ident = file_id.hex().encode()
    out += (b"trailer\n<</Size %d/Root 1 0 R/Encrypt 8 0 R/ID[<%s><%s>]>>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objects) + 1, ident, ident, xref))
    return bytes(out)


def xlsx_bytes(title: str, header: list[str], rows: list[list[object]], when: dt.datetime,
               author: str = "") -> bytes:
    """An Excel statistics table: a merged title row, a bold header, data rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "统计表"
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(header)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    for col, width in zip("ABCDEF", (6, 14, 14, 14, 12, 12), strict=False):
        ws.column_dimensions[col].width = width
    wb.properties.creator = author
    wb.properties.lastModifiedBy = author
    wb.properties.created = when
    wb.properties.title = title
    buf = io.BytesIO()
    wb.save(buf)
    return freeze_zip(buf.getvalue(), when)


def _scene(rng: random.Random, size: tuple[int, int]) -> object:
    """An outdoor activity, roughly: sky, buildings, a red banner, people in vests."""
    from PIL import Image, ImageDraw

    w, h = size
    img = Image.new("RGB", size, (135 + rng.randint(-20, 20), 180 + rng.randint(-20, 20), 225))
    draw = ImageDraw.Draw(img)
    x = 0
    while x < w:  # buildings on the horizon
        bw = rng.randint(50, 120)
        top = rng.randint(h // 6, h // 2)
        shade = rng.randint(150, 220)
        draw.rectangle((x, top, x + bw, h // 2 + 40), fill=(shade, shade - 10, shade - 25))
        for wy in range(top + 10, h // 2 + 30, 22):  # windows
            for wx in range(x + 8, x + bw - 12, 18):
                draw.rectangle((wx, wy, wx + 8, wy + 10), fill=(90, 110, 140))
        x += bw + rng.randint(2, 12)
    draw.rectangle((0, h // 2 + 40, w, h), fill=(120 + rng.randint(-15, 15), 120, 110))
    bx = rng.randint(20, w // 3)
    draw.rectangle((bx, h // 2 - 30, bx + w // 2, h // 2 + 10), fill=(200, 20, 30))  # banner
    for _ in range(rng.randint(6, 18)):  # people
        px, py = rng.randint(10, w - 30), rng.randint(h // 2 + 50, h - 60)
        vest = rng.choice(((220, 40, 40), (240, 130, 20), (30, 90, 200), (250, 250, 250)))
        draw.ellipse((px + 4, py - 18, px + 20, py - 2), fill=(235, 200, 170))
        draw.rectangle((px, py, px + 24, py + 45), fill=vest)
    return img


def photo_bytes(rng: random.Random, taken: dt.datetime | None, camera: tuple[str, str],
                size: tuple[int, int] = (800, 600)) -> bytes:
    """A JPEG activity photo with the EXIF a phone writes (maker, model, DateTimeOriginal)."""
    from PIL import Image

    img = _scene(rng, size)
    assert isinstance(img, Image.Image)
    exif = Image.Exif()
    exif[0x010F] = camera[0]  # Make
    exif[0x0110] = camera[1]  # Model
    if taken is not None:
        stamp = taken.strftime("%Y:%m:%d %H:%M:%S")
        exif[0x0132] = stamp  # DateTime
        ifd = exif.get_ifd(0x8769)
        ifd[0x9003] = stamp  # DateTimeOriginal
        ifd[0x9004] = stamp  # DateTimeDigitized
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=82, exif=exif)
    return buf.getvalue()


def screenshot_bytes(rng: random.Random, size: tuple[int, int] = (720, 480)) -> bytes:
    """A PNG "screenshot" of a news column (专栏截图): no EXIF, as screenshots have none."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", size, (250, 250, 250))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, size[0], 56), fill=(190, 20, 30))
    y = 80
    while y < size[1] - 30:
        draw.rectangle((30, y, 30 + rng.randint(300, size[0] - 80), y + 10), fill=(70, 70, 70))
        y += 28
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


class _GbkZipInfo(zipfile.ZipInfo):
    """An entry named in GBK without the UTF-8 flag, as Windows' built-in zip tool writes it."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # noqa: N802 - zipfile's own name
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


def gbk_zip_bytes(entries: list[tuple[str, bytes]], when: dt.datetime) -> bytes:
    """A zip a unit sends in: GBK entry names, fixed times (so a seed repeats the bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            info = _GbkZipInfo(name, date_time=_zip_time(when))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0  # MS-DOS, as Windows writes it, on every platform
            info.external_attr = 0
            zf.writestr(info, data)
    return out.getvalue()

"""Real test documents, made with the same libraries the product reads them with."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from archive.library import Library


def make_docx(
    path: Path,
    title: str = "关于开展文明创建活动的实施方案",
    paragraphs: list[str] | None = None,
    doc_number: str = "",
    date_text: str = "",
    author: str = "",
    header: str = "",
    footer: str = "",
    table: list[list[str]] | None = None,
) -> Path:
    from docx import Document

    doc = Document()
    if header:
        doc.sections[0].header.paragraphs[0].text = header
    if footer:
        doc.sections[0].footer.paragraphs[0].text = footer
    if doc_number:
        doc.add_paragraph(doc_number)
    doc.add_heading(title, level=1)
    for text in paragraphs or ["为深入推进全国文明城市创建工作，结合我区实际，制定本方案。"]:
        doc.add_paragraph(text)
    if table:
        t = doc.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                t.cell(r, c).text = value
    if author:
        doc.add_paragraph(author)
    if date_text:
        doc.add_paragraph(date_text)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def make_pdf(path: Path, pages: list[str] | None = None, fontsize: int = 11) -> Path:
    """A PDF with a Chinese text layer, one string per page."""
    import pymupdf

    doc = pymupdf.open()
    for text in pages or ["文明城市创建工作总结"]:
        page = doc.new_page(width=595, height=842)
        page.insert_textbox(pymupdf.Rect(50, 50, 545, 800), text, fontname="china-s",
                            fontsize=fontsize)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    doc.close()
    return path


def make_scanned_pdf(path: Path) -> Path:
    """A PDF holding only a picture (like a scan): no text layer."""
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_image(pymupdf.Rect(50, 50, 545, 400), stream=jpeg_bytes())
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    doc.close()
    return path


def make_encrypted_pdf(path: Path, text: str = "内部资料") -> Path:
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((50, 72), text, fontname="china-s")
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path), encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="secret",
             owner_pw="owner")
    doc.close()
    return path


def make_xlsx(path: Path, rows: list[list[object]] | None = None, title: str = "统计表") -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows or [["单位", "志愿者人数"], ["东城街道", 1200], ["西城街道", 980]]:
        ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(str(path))
    return path


def jpeg_bytes(
    taken: dt.datetime | None = None, size: tuple[int, int] = (64, 48), color: str = "#3a7"
) -> bytes:
    """A JPEG, with an EXIF DateTimeOriginal when ``taken`` is given."""
    from PIL import Image

    img = Image.new("RGB", size, color)
    buf = io.BytesIO()
    if taken is not None:
        exif = Image.Exif()
        stamp = taken.strftime("%Y:%m:%d %H:%M:%S")
        exif[0x0132] = stamp  # DateTime
        exif.get_ifd(0x8769)[0x9003] = stamp  # DateTimeOriginal
        img.save(buf, "JPEG", exif=exif)
    else:
        img.save(buf, "JPEG")
    return buf.getvalue()


def make_jpg(path: Path, taken: dt.datetime | None = None, color: str = "#3a7") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(jpeg_bytes(taken, color=color))
    return path


class _GbkZipInfo(zipfile.ZipInfo):
    """An entry named in GBK without the UTF-8 flag, as Windows' built-in zip tool writes it."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # noqa: N802 - zipfile's own name
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


def make_zip(path: Path, entries: dict[str, bytes], gbk: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            info = _GbkZipInfo(name) if gbk else zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return path


# A 题名 longer than any export path allows (typed by a clerk: Linux refuses file names this long).
AWKWARD_LONG_TITLE = "关于" + "深入推进全国文明城市创建工作常态长效" * 6 + "的实施方案"


def make_awkward_evidence(root: Path) -> Path:
    """Evidence folders whose names a USB export must repair, from real docx/pdf/jpg files.

    ``std_a/``: forbidden characters, a device name, trailing dots, a file to give AWKWARD_LONG_TITLE, the same
    title twice (in two sub-folders), a name carrying a 密级 marking, files to mark classified, three photos.
    ``std_b/``: two plain documents. ``loose/``: a file no standard claims.
    """
    a = root / "std_a"
    make_docx(a / '关于印发"学习计划"的通知：2023*第1号?.docx', title="学习计划",
              paragraphs=["理论学习中心组2023年度学习计划。"])
    make_docx(a / "CON.docx", title="会议记录", paragraphs=["中心组第一次专题学习会议记录。"])
    make_pdf(a / "工作总结...pdf", pages=["2023年理论学习工作总结"])
    make_pdf(a / "长题名的实施方案.pdf", pages=["实施方案正文", "第二页"])
    make_pdf(a / "一组" / "会议纪要.pdf", pages=["第一次会议纪要"])
    make_pdf(a / "二组" / "会议纪要.pdf", pages=["第二次会议纪要"])
    make_docx(a / "机密 干部考察材料.docx", title="干部考察材料")
    make_docx(a / "宣讲情况通报.docx", title="宣讲情况通报",
              paragraphs=["本次宣讲覆盖全区十二个街道，受众达到三千余人次。"])
    make_docx(a / "内部工作安排.docx", title="工作安排")
    make_docx(a / "已解密的通知.docx", title="已解密的通知")
    make_docx(a / "情况报告.docx", title="情况报告", paragraphs=["（正文首行标有密级）"])
    for i, color in enumerate(("#c33", "#3c3", "#33c"), start=1):
        make_jpg(a / f"活动照片{i}.jpg", taken=dt.datetime(2023, 5, i, 9, 30), color=color)
    b = root / "std_b"
    make_docx(b / "宣讲工作方案.docx", title="宣讲工作方案")
    make_pdf(b / "宣讲活动记录.pdf", pages=["宣讲活动记录"])
    make_pdf(root / "loose" / "扫描件0001.pdf", pages=["未整理的扫描件"])
    return root


def with_sample_framework(library: Library) -> Library:
    """``library`` with the sample evaluation framework in it (the tree most tests file into)."""
    from archive.frameworks import create_sample_framework

    with library.session() as s:
        create_sample_framework(s)
    return library

"""照片资料: for each standard with photos, a Word sheet with every photo and its caption
(时间、地点、人物、事由), two to an A4 page — how evaluators expect photo evidence to be presented.

Photos are scaled down for the sheet (the originals are in the folder beside it), so a sheet of
fifty 6 MB camera pictures stays a few megabytes and opens quickly from a stick.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

from exporters.package.layout import Placement, StandardFolder
from exporters.package.office import save_docx, setup_document
from exporters.package.selection import Selection

PER_PAGE = 2
MAX_PIXELS = 1600
# The box one photo gets on a portrait A4 page with 2 cm margins, leaving room for its caption.
BOX_W_CM = 17.0
BOX_H_CM = 10.2
NO_CAPTION = "（照片说明未填写：时间、地点、人物、事由）"


def photo_placements(folder: StandardFolder) -> list[Placement]:
    return [p for p in folder.placements if p.doc.kind == "photo"]


def _scaled_jpeg(path: Path) -> tuple[bytes, int, int] | None:
    """The photo upright (EXIF orientation applied), at most MAX_PIXELS wide, as JPEG."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            img.draft("RGB", (MAX_PIXELS, MAX_PIXELS))  # JPEG: decode at reduced size
            upright = ImageOps.exif_transpose(img) or img
            picture = upright.convert("RGB")
            picture.thumbnail((MAX_PIXELS, MAX_PIXELS))
            buf = io.BytesIO()
            picture.save(buf, "JPEG", quality=85)
            return buf.getvalue(), picture.width, picture.height
    except (OSError, UnidentifiedImageError, ValueError):
        return None


def caption_text(p: Placement) -> str:
    return p.doc.caption.strip() or NO_CAPTION


def photo_sheet(sel: Selection, folder: StandardFolder, source: Callable[[Placement], Path],
                day: dt.date) -> bytes | None:
    """The photo sheet of one standard folder as .docx bytes, or None if it has no photos."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Cm

    photos = photo_placements(folder)
    if not photos:
        return None
    std = folder.standard
    doc = Document()
    setup_document(doc)
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = head.add_run(f"照片资料　{std.code} {std.title}")
    run.bold = True
    for i, p in enumerate(photos):
        if i and i % PER_PAGE == 0:
            doc.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
        scaled = _scaled_jpeg(source(p))
        pic = doc.add_paragraph()
        pic.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if scaled is None:
            pic.add_run(f"（此照片无法嵌入，请打开文件 {p.path.rsplit('/', 1)[-1]}）")
        else:
            data, w, h = scaled
            ratio = min(BOX_W_CM / w, BOX_H_CM / h)
            pic.add_run().add_picture(io.BytesIO(data), width=Cm(w * ratio),
                                      height=Cm(h * ratio))
        cap = doc.add_paragraph()
        cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
        cap.add_run(f"图{p.seq}　").bold = True
        cap.add_run(caption_text(p))
        meta = [p.doc.title]
        if p.doc.doc_date:
            meta.append(p.doc.doc_date.isoformat())
        meta.append(p.path.rsplit("/", 1)[-1])
        note = doc.add_paragraph("　".join(m for m in meta if m))
        note.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return save_docx(doc, day)

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
from exporters.package.office import WordDocument
from exporters.package.selection import Selection

PER_PAGE = 2
# Pixels on the longer side: 17 cm printed at ~190 dpi.
MAX_PIXELS = 1280
# A JPEG within MAX_PIXELS is embedded unchanged when it is no larger than this (a file much
# bigger than its pixels need carries something else along).
RAW_MAX_BYTES = 1024 * 1024
RAW_BYTES_PER_PIXEL = 1.0
# The box one photo gets on a portrait A4 page with 2 cm margins, leaving room for its caption.
BOX_W_CM = 17.0
BOX_H_CM = 10.2
NO_CAPTION = "（照片说明未填写：时间、地点、人物、事由）"


def photo_placements(folder: StandardFolder) -> list[Placement]:
    return [p for p in folder.placements if p.doc.kind == "photo"]


def _scaled_jpeg(path: Path) -> tuple[bytes, int, int] | None:
    """The photo upright (EXIF orientation applied), at most MAX_PIXELS on its longer side,
    as JPEG. A JPEG that is already small, upright and compact goes in as it is: no decoding,
    no loss. None when the file is no picture Pillow can read."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            orientation = img.getexif().get(0x0112, 1)
            w, h = img.size
            if (img.format == "JPEG" and orientation == 1 and max(w, h) <= MAX_PIXELS
                    and img.mode in ("RGB", "L")
                    and path.stat().st_size <= min(RAW_MAX_BYTES, w * h * RAW_BYTES_PER_PIXEL)):
                return path.read_bytes(), w, h
            img.draft("RGB", (MAX_PIXELS, MAX_PIXELS))  # JPEG: decode at a reduced size
            picture = ImageOps.exif_transpose(img) if orientation != 1 else img
            if picture.mode != "RGB":
                picture = picture.convert("RGB")
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
    photos = photo_placements(folder)
    if not photos:
        return None
    std = folder.standard
    doc = WordDocument()
    doc.paragraph(f"照片资料　{std.code} {std.title}", bold=True, align="center")
    for i, p in enumerate(photos):
        if i and i % PER_PAGE == 0:
            doc.page_break()
        scaled = _scaled_jpeg(source(p))
        if scaled is None:
            doc.paragraph(f"（此照片无法嵌入，请打开文件 {p.path.rsplit('/', 1)[-1]}）",
                          align="center")
        else:
            data, w, h = scaled
            ratio = min(BOX_W_CM / w, BOX_H_CM / h)
            doc.picture(data, w * ratio, h * ratio)
        doc.runs([(f"图{p.seq}　", True), (caption_text(p), False)], align="center")
        meta = [p.doc.title]
        if p.doc.doc_date:
            meta.append(p.doc.doc_date.isoformat())
        meta.append(p.path.rsplit("/", 1)[-1])
        doc.paragraph("　".join(m for m in meta if m), align="center")
    return doc.to_bytes(day)

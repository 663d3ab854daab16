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

from archive.progress import CancelToken
from exporters.package.layout import Placement, StandardFolder
from exporters.package.office import WordDocument
from exporters.package.selection import Selection

PER_PAGE = 2
# Pixels on the longer side: 17 cm printed at ~190 dpi.
MAX_PIXELS = 1280
# A JPEG within MAX_PIXELS is embedded unchanged when its image data is no larger than this.
RAW_MAX_BYTES = 1024 * 1024
# Bytes read first when looking for the end of such a JPEG; more (up to RAW_MAX_BYTES) only when
# it does not end there. A sheet of 2,000 photos then reads a few hundred kilobytes each at most.
HEAD_BYTES = 64 * 1024
# The box one photo gets on a portrait A4 page with 2 cm margins, leaving room for its caption.
BOX_W_CM = 17.0
BOX_H_CM = 10.2
NO_CAPTION = "（照片说明未填写：时间、地点、人物、事由）"


def photo_placements(folder: StandardFolder) -> list[Placement]:
    return [p for p in folder.placements if p.doc.kind == "photo"]


def jpeg_stream(data: bytes) -> bytes | None:
    """The JPEG image in ``data`` from SOI to its EOI, without what follows it (phones append
    motion-photo videos, some tools padding); None if ``data`` is no well-formed JPEG.

    Walks the segments by their lengths and each scan's entropy-coded data to the next marker,
    so bytes FF D9 inside an embedded thumbnail or a table are not taken for the end.
    """
    if data[:2] != b"\xff\xd8":
        return None
    n = len(data)
    pos = 2
    while pos + 1 < n:
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xD9:
            return data[:pos + 2]
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            pos += 2
            continue
        if pos + 4 > n:
            return None
        end = pos + 2 + int.from_bytes(data[pos + 2:pos + 4], "big")
        if marker != 0xDA:
            pos = end
            continue
        scan = end  # entropy-coded data: FF is followed by 00 (stuffing) or a restart marker
        while True:
            ff = data.find(b"\xff", scan)
            if ff < 0 or ff + 1 >= n:
                return None
            follower = data[ff + 1]
            if follower == 0x00 or 0xD0 <= follower <= 0xD7:
                scan = ff + 2
            elif follower == 0xFF:
                scan = ff + 1
            else:
                pos = ff
                break
    return None


def small_jpeg_stream(path: Path | str) -> bytes | None:
    """``jpeg_stream`` of the file when that stream is at most RAW_MAX_BYTES long, reading no
    more of the file than needed (phones append videos to motion photos, tools padding)."""
    with open(path, "rb") as fh:
        data = fh.read(HEAD_BYTES)
        stream = jpeg_stream(data)
        if stream is None and len(data) == HEAD_BYTES:
            # The stream ends beyond the head, if at all: a prefix of RAW_MAX_BYTES + 2 holds
            # every stream short enough, and jpeg_stream finds it there as in the whole file.
            data += fh.read(RAW_MAX_BYTES + 2 - HEAD_BYTES)
            stream = jpeg_stream(data)
    return stream if stream is not None and len(stream) <= RAW_MAX_BYTES else None


def _scaled_jpeg(path: Path) -> tuple[bytes, int, int] | None:
    """The photo upright (EXIF orientation applied), at most MAX_PIXELS on its longer side,
    as JPEG. A JPEG already that small and upright goes in as it is (without anything appended
    after its end): no decoding, no loss. None when the file is no picture Pillow can read."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            orientation = img.getexif().get(0x0112, 1)
            w, h = img.size
            if (img.format == "JPEG" and orientation == 1 and max(w, h) <= MAX_PIXELS
                    and img.mode in ("RGB", "L")):
                stream = small_jpeg_stream(path)
                if stream is not None:
                    return stream, w, h
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
                day: dt.date, cancel: CancelToken | None = None) -> bytes | None:
    """The photo sheet of one standard folder as .docx bytes, or None if it has no photos.
    ``cancel`` is polled before each photo (scaling a camera picture takes a while)."""
    photos = photo_placements(folder)
    if not photos:
        return None
    std = folder.standard
    doc = WordDocument()
    doc.paragraph(f"照片资料　{std.code} {std.title}", bold=True, align="center")
    for i, p in enumerate(photos):
        if cancel is not None:
            cancel.raise_if_cancelled()
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

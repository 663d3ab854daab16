"""Photos: the date taken (EXIF) and the size in pixels; the place where OCR will plug in.

Evaluators want captioned activity photos with the time; the EXIF date helps the clerk fill the
caption and lets the check compare it with the ledger year. Only the header is read (Pillow opens
lazily), so a huge image costs nothing here.

OCR: ``OCR`` is ``None`` today. A later engine is a callable taking the image path and returning
text; when set, a photo's text is extracted with it and the photo becomes searchable.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Callable
from pathlib import Path

from indexing.extract.result import CORRUPT, OK, UNSUPPORTED, Extraction

OCR: Callable[[Path], str] | None = None

_EXIF_IFD = 0x8769
_DATE_TAGS = ((_EXIF_IFD, 0x9003), (_EXIF_IFD, 0x9004), (None, 0x0132))  # Original, Digitized, DateTime
_EXIF_DATE = re.compile(r"^\s*(\d{4})[:\-/.](\d{1,2})[:\-/.](\d{1,2})")


def exif_date(exif: object) -> str | None:
    """The ISO date (YYYY-MM-DD) the photo was taken, from the first plausible EXIF date."""
    for ifd, tag in _DATE_TAGS:
        try:
            source = exif.get_ifd(ifd) if ifd is not None else exif  # type: ignore[attr-defined]
            value = source.get(tag)
        except Exception:  # noqa: BLE001 - malformed EXIF blocks are common in phone photos
            continue
        if isinstance(value, bytes):
            value = value.decode("ascii", errors="ignore")
        m = _EXIF_DATE.match(str(value or ""))
        if not m:
            continue
        try:
            date = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
        if date.year >= 1990:
            return date.isoformat()
    return None


def _truncated(path: Path, fmt: str | None) -> bool:
    """A JPEG must end with its EOI marker and a PNG with its IEND chunk; a cut copy does not.

    Decoding the whole picture would tell too, at ~100 ms per phone photo; the tail is enough.
    """
    if fmt not in ("JPEG", "PNG"):
        return False
    with open(path, "rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - 64))
        tail = fh.read()
    if fmt == "JPEG":
        return b"\xff\xd9" not in tail
    return b"IEND" not in tail


def extract(path: Path) -> Extraction:
    from PIL import Image, UnidentifiedImageError

    info: dict[str, object] = {}
    fmt: str | None = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                info["width"], info["height"] = img.size
                date = exif_date(img.getexif())
                if date:
                    info["exif_date"] = date
                fmt = img.format
    except Image.DecompressionBombError:
        return Extraction(OK, "图片像素过多，未读取拍摄信息", info=info)
    except UnidentifiedImageError:
        return Extraction(UNSUPPORTED, "未提取文字：无法识别此图片格式（无法读取拍摄日期和尺寸）",
                          info=info)
    except (OSError, SyntaxError, ValueError) as exc:
        return Extraction(CORRUPT, f"图片已损坏，无法读取：{exc}", info=info)
    if _truncated(path, fmt):
        return Extraction(CORRUPT, "图片文件不完整（可能复制或下载中断），请重新获取原图", info=info)
    if OCR is not None:
        text = OCR(path)
        return Extraction(OK, "" if text.strip() else "图片中未识别出文字", text, 1, info)
    return Extraction(OK, "图片（未做文字识别）", "", None, info)

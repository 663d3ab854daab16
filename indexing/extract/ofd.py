"""OFD (GB/T 33190), the Chinese fixed-layout format of e-government documents and invoices.

An OFD file is a zip; each page's ``Content.xml`` holds ``TextCode`` elements with the text.
Pages are read in the numeric order of their folders (Doc_0/Pages/Page_0, Page_1, …).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from indexing.extract.limits import LimitExceeded, cap_text, check_zip, iterparse, read_member
from indexing.extract.result import CORRUPT, NO_TEXT, OK, PAGE_BREAK, Extraction

_PAGE = re.compile(r"^Doc_(\d+)/Pages/Page_(\d+)/Content\.xml$", re.IGNORECASE)


def page_text(data: bytes, where: str) -> str:
    lines: list[str] = []
    last_y: str | None = None
    for _event, el in iterparse(data, where):
        if el.tag.rsplit("}", 1)[-1] == "TextCode":
            y = el.get("Y")
            if lines and y is not None and y == last_y:
                lines[-1] += el.text or ""
            else:
                lines.append(el.text or "")
            last_y = y
            el.clear()
    return "\n".join(line for line in lines if line.strip())


def extract(path: Path) -> Extraction:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = check_zip(zf)
            pages = sorted((int(m.group(1)), int(m.group(2)), i.filename) for i in infos
                           if (m := _PAGE.match(i.filename)))
            texts = [page_text(read_member(zf, name), name) for _d, _p, name in pages]
    except zipfile.BadZipFile:
        return Extraction(CORRUPT, "OFD 文件已损坏（不是有效的压缩包）")
    except LimitExceeded:
        raise
    except Exception as exc:  # noqa: BLE001 - broken XML inside
        return Extraction(CORRUPT, f"OFD 文件内容已损坏：{exc}")
    if not pages:
        return Extraction(CORRUPT, "OFD 文件中没有页面")
    info: dict[str, object] = {}
    text = cap_text(PAGE_BREAK.join(texts), info)
    if not text.strip():
        return Extraction(NO_TEXT, f"OFD 共 {len(pages)} 页，没有文字（可能是扫描件）",
                          text, len(pages), info)
    return Extraction(OK, "", text, len(pages), info)

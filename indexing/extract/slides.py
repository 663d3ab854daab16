"""PowerPoint .pptx: the text of each slide, slides separated like pages (form feeds)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from indexing.extract.limits import LimitExceeded, cap_text, check_zip, iterparse, read_member
from indexing.extract.result import CORRUPT, PAGE_BREAK, Extraction, text_status

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_SLIDE = re.compile(r"^ppt/slides/slide(\d+)\.xml$")


def slide_text(data: bytes, where: str) -> str:
    lines: list[str] = []
    para: list[str] = []
    for _event, el in iterparse(data, where, tags=(A + "t", A + "p", A + "br")):
        if el.tag == A + "t":
            para.append(el.text or "")
        elif el.tag == A + "br":
            para.append("\n")
        else:
            lines.append("".join(para))
            para = []
            el.clear()
    return "\n".join(line for line in lines if line.strip())


def extract(path: Path) -> Extraction:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = check_zip(zf)
            slides = sorted((int(m.group(1)), i.filename) for i in infos
                            if (m := _SLIDE.match(i.filename)))
            pages = [slide_text(read_member(zf, name), name) for _n, name in slides]
    except zipfile.BadZipFile:
        return Extraction(CORRUPT, "演示文稿已损坏（不是有效的 .pptx 压缩包）")
    except LimitExceeded:
        raise
    except Exception as exc:  # noqa: BLE001 - broken XML inside
        return Extraction(CORRUPT, f"演示文稿内容已损坏：{exc}")
    info: dict[str, object] = {}
    text = cap_text(PAGE_BREAK.join(pages), info)
    status, reason = text_status(text, "演示文稿")
    return Extraction(status, reason, text, len(pages), info)

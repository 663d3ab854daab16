"""PDF text per page with PyMuPDF (module ``pymupdf``), pages separated by form feeds.

PyMuPDF is pinned to 1.26 in pyproject.toml: 2.x pulls in onnxruntime and numpy (hundreds of MB
in the installer) for layout features we do not use. It is AGPL-3.0, as CivLedger is.

Statuses: a file MuPDF had to repair (broken cross-reference table, typically a download cut
short) is ``corrupt`` with ``info["repaired"]``, but whatever text it still yields is kept and
searchable; a password-protected file is ``encrypted``; pages without a text layer (a scan) make
it ``no_text``.

Chinese lines wrapped by the layout are joined again: a line break between two Chinese
characters is the layout's, not the author's, and would otherwise split words (社区 / 工作者).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from indexing.analysis import CJK_RUN_RE
from indexing.extract.limits import cap_text
from indexing.extract.result import (
    CORRUPT,
    EMPTY,
    ENCRYPTED,
    NO_TEXT,
    OK,
    PAGE_BREAK,
    Extraction,
)

_CJK_CHARS = CJK_RUN_RE.pattern[1:-2]
# Characters after which, and before which, a full line's break is only the layout's.
_JOIN_AFTER = re.compile(f"[{_CJK_CHARS}，、；：“”‘’（）《》〔〕【】—]$")
_JOIN_BEFORE = re.compile(f"^[{_CJK_CHARS}，、；：。！？”’）》〕】“‘（《〔【]")


def _quiet() -> None:
    import pymupdf

    # MuPDF reports repairs on stderr; the status carries them instead.
    pymupdf.TOOLS.mupdf_display_errors(False)
    pymupdf.TOOLS.mupdf_display_warnings(False)


def page_text(data: dict[str, Any]) -> tuple[str, list[tuple[float, float, str]]]:
    """A page's text from PyMuPDF's "dict" output, and its lines as (size, top, text).

    Lines of a block are joined without a break when the line before is a full one (it
    reaches the right edge of the text within two characters and spans most of the column)
    and both sides are Chinese: the layout wrapped there.
    """
    blocks: list[list[tuple[float, float, float, float, str]]] = []
    right = 0.0
    left = float(data.get("width", 595.0))
    for block in data.get("blocks", []):
        lines = []
        for line in block.get("lines", []):
            spans = line.get("spans", [])
            text = "".join(s.get("text", "") for s in spans)
            if not text.strip():
                continue
            size = max((s.get("size", 0.0) for s in spans), default=0.0)
            x0, top, x1 = line["bbox"][0], line["bbox"][1], line["bbox"][2]
            right = max(right, x1)
            left = min(left, x0)
            lines.append((x0, x1, size, top, text))
        if lines:
            blocks.append(lines)
    # The text column, assuming the right margin is about the left one: a page whose lines
    # are all short (a cover, a list) must not have its longest line taken for a full one.
    column = max(float(data.get("width", 595.0)) - 2 * left, 1.0)
    out: list[str] = []
    flat: list[tuple[float, float, str]] = []
    for lines in blocks:
        parts: list[str] = []
        prev_full = False
        for i, (x0, x1, size, top, text) in enumerate(lines):
            flat.append((round(size, 1), top, text.strip()))
            if i and not (
                prev_full and _JOIN_AFTER.search(parts[-1]) and _JOIN_BEFORE.match(text)
            ):
                parts.append("\n")
            parts.append(text)
            prev_full = x1 >= right - 2 * max(size, 1.0) and x1 - x0 >= 0.6 * column
        out.append("".join(parts).strip())
    return "\n".join(out), flat


def heading(lines: list[tuple[float, float, str]], height: float) -> str:
    """The largest text in the top half of the first page, when it is set bigger than text."""
    top_lines = [ln for ln in lines if ln[1] < height / 2 and ln[2]]
    if len(top_lines) < 2:
        return ""
    top = max(size for size, _, _ in top_lines)
    body = sorted(size for size, _, _ in lines)[len(lines) // 2]
    if top <= body * 1.15:
        return ""
    picked = [text for size, _, text in sorted(top_lines, key=lambda x: x[1]) if size == top]
    return "".join(picked[:3])[:200]


def extract(path: Path) -> Extraction:
    import pymupdf

    _quiet()
    with open(path, "rb") as fh:
        if b"%PDF" not in fh.read(1024):
            # MuPDF would happily open HTML, XPS, images … named .pdf: not what was filed.
            return Extraction(CORRUPT, "不是有效的 PDF 文件（文件头不是 %PDF，可能是改了扩展名的其他文件）")
    try:
        doc = pymupdf.open(path, filetype="pdf")
    except Exception as exc:  # noqa: BLE001 - FileDataError, RuntimeError, … all mean unreadable
        return Extraction(CORRUPT, f"PDF 文件已损坏，无法打开：{exc}")
    with doc:
        info: dict[str, object] = {}
        repaired = bool(doc.is_repaired)
        if repaired:
            info["repaired"] = True
        if doc.needs_pass and not doc.authenticate(""):
            return Extraction(ENCRYPTED, "PDF 设有打开密码，无法读取文字。请去掉密码后重新导入",
                              page_count=doc.page_count, info=info)
        pages: list[str] = []
        failed = 0
        title = ""
        for number in range(doc.page_count):
            try:
                page = doc.load_page(number)
                # TEXTFLAGS_TEXT: as plain text, without the pictures "dict" would carry.
                data = page.get_text("dict", flags=pymupdf.TEXTFLAGS_TEXT)
                text, lines = page_text(data)
                pages.append(text)
                if number == 0:
                    title = heading(lines, data.get("height", 842.0))
            except Exception:  # noqa: BLE001 - one broken page must not lose the others
                failed += 1
                pages.append("")
        count = doc.page_count
    text = cap_text(PAGE_BREAK.join(pages), info)
    if title:
        info["heading"] = title
    with_text = sum(1 for p in pages if p.strip())
    if repaired or failed:
        broken = f"{failed} 页无法读取，" if failed else ""
        return Extraction(CORRUPT, f"PDF 文件不完整或已损坏（可能下载中断），{broken}"
                                   f"已尽量读出 {with_text} 页文字", text, count, info)
    if count == 0:
        return Extraction(EMPTY, "PDF 文件没有页面", "", 0, info)
    if with_text == 0:
        return Extraction(NO_TEXT, f"PDF 共 {count} 页，没有文字层（可能是扫描件），"
                                   "需要文字识别（OCR）后才能检索", text, count, info)
    if with_text < count:
        info["pages_without_text"] = count - with_text
    return Extraction(OK, "", text, count, info)

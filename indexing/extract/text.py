"""Plain text (.txt, .csv, .md, …) in whatever encoding a Chinese office PC wrote it, and HTML.

Order of guesses: a byte-order mark (UTF-8, UTF-16, UTF-32); strict UTF-8; GB18030 (the superset
of GBK and GB2312 that Windows Notepad and Excel write) when it decodes cleanly to mostly Chinese;
otherwise charset-normalizer's best guess. The encoding found is kept in ``info["encoding"]``.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from indexing.analysis import CJK_RE
from indexing.extract.limits import MAX_TEXT_FILE_BYTES, cap_text
from indexing.extract.result import EMPTY, Extraction, text_status

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _mostly_chinese(text: str) -> bool:
    non_ascii = [c for c in text if ord(c) > 0x7F]
    if not non_ascii:
        return True
    cjk = sum(1 for c in non_ascii if CJK_RE.match(c) or "\u3000" <= c <= "\u303f"
              or "\uff00" <= c <= "\uffef")
    return cjk >= 0.8 * len(non_ascii)


def decode(data: bytes) -> tuple[str, str]:
    """``(text, encoding)`` for bytes of unknown encoding (see the module docstring)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), encoding.replace("-sig", "")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
        if _mostly_chinese(text):
            return text, "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and best.encoding:
        return str(best), best.encoding
    return data.decode("gb18030", errors="replace"), "gb18030"


def extract(path: Path) -> Extraction:
    with open(path, "rb") as fh:
        data = fh.read(MAX_TEXT_FILE_BYTES + 1)
    info: dict[str, object] = {}
    if len(data) > MAX_TEXT_FILE_BYTES:
        data = data[:MAX_TEXT_FILE_BYTES]
        info["truncated"] = True
    if not data.strip():
        return Extraction(EMPTY, "文本文件中没有文字", "", None, info)
    text, encoding = decode(data)
    info["encoding"] = encoding
    text = cap_text(text.replace("\r\n", "\n").replace("\x00", ""), info)
    status, reason = text_status(text, "文本文件")
    return Extraction(status, reason, text, None, info)


_BLOCKS = ("p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6",
           "table", "section", "article", "title")


def extract_html(path: Path) -> Extraction:
    import lxml.html

    base = extract(path)
    if base.status != "ok":
        return base
    try:
        parser = lxml.html.HTMLParser(no_network=True, remove_comments=True)
        root = lxml.html.document_fromstring(base.text, parser=parser)
        for bad in root.xpath("//script|//style"):
            bad.drop_tree()
        for el in root.iter(*_BLOCKS):
            el.tail = "\n" + (el.tail or "")
        text = "\n".join(line.strip() for line in root.text_content().splitlines()
                         if line.strip())
    except Exception:  # noqa: BLE001 - unparsable markup: keep the raw text, it is searchable
        return base
    status, reason = text_status(text, "网页文件")
    return Extraction(status, reason, text, None, base.info)

"""Text extraction: one function per file format, behind ``extract_file(path, ext)``.

Extraction runs in worker processes (``indexing.workers``); everything here is plain functions
on a path so that a worker can call them and tests can too. ``extract_task`` is what a worker
runs for one stored file: extraction, then the proposed metadata from the text.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from indexing.extract.limits import LimitExceeded
from indexing.extract.result import CORRUPT, EMPTY, UNSUPPORTED, Extraction


def _docx(path: Path) -> Extraction:
    from indexing.extract import docx

    return docx.extract(path)


def _pdf(path: Path) -> Extraction:
    from indexing.extract import pdf

    return pdf.extract(path)


def _xlsx(path: Path) -> Extraction:
    from indexing.extract import sheets

    return sheets.extract_xlsx(path)


def _xls(path: Path) -> Extraction:
    from indexing.extract import legacy, sheets

    result = sheets.extract_xls(path)
    if result.status == CORRUPT and legacy.find_soffice():
        return legacy.extract(path, "xls")
    return result


def _text(path: Path) -> Extraction:
    from indexing.extract import text

    return text.extract(path)


def _html(path: Path) -> Extraction:
    from indexing.extract import text

    return text.extract_html(path)


def _image(path: Path) -> Extraction:
    from indexing.extract import images

    return images.extract(path)


def _pptx(path: Path) -> Extraction:
    from indexing.extract import slides

    return slides.extract(path)


def _ofd(path: Path) -> Extraction:
    from indexing.extract import ofd

    return ofd.extract(path)


def _zip(path: Path, depth: int = 0) -> Extraction:
    from indexing.extract import archives

    return archives.extract(path, depth)


def _legacy(ext: str) -> Callable[[Path], Extraction]:
    def run(path: Path) -> Extraction:
        from indexing.extract import legacy

        return legacy.extract(path, ext)

    return run


HANDLERS: dict[str, Callable[[Path], Extraction]] = {
    "docx": _docx, "docm": _docx, "dotx": _docx,
    "pdf": _pdf,
    "xlsx": _xlsx, "xlsm": _xlsx,
    "xls": _xls,
    "txt": _text, "csv": _text, "tsv": _text, "md": _text, "log": _text,
    "htm": _html, "html": _html,
    "pptx": _pptx,
    "ofd": _ofd,
    "zip": _zip,
    **{ext: _image for ext in ("jpg", "jpeg", "png", "gif", "bmp", "tif", "tiff", "webp",
                               "heic")},
    **{ext: _legacy(ext) for ext in ("doc", "wps", "rtf", "et", "ppt", "dps")},
}

_MEDIA = {"mp4": "视频", "avi": "视频", "mov": "视频", "wmv": "视频", "mkv": "视频", "flv": "视频",
          "mp3": "音频", "wav": "音频", "wma": "音频", "m4a": "音频", "amr": "音频"}


def extract_file(path: Path, ext: str, depth: int = 0) -> Extraction:
    """Extract ``path`` as a file of type ``ext``; never raises for a bad file."""
    ext = ext.lower().lstrip(".")
    try:
        size = path.stat().st_size
    except OSError:
        return Extraction(CORRUPT, "资料库中找不到此文件的内容（可运行 verify 检查资料库）")
    if size == 0:
        return Extraction(EMPTY, "文件为空（0 字节）")
    if ext == "zip":
        handler: Callable[[Path], Extraction] = partial(_zip, depth=depth)
    elif ext in HANDLERS:
        handler = HANDLERS[ext]
    elif ext in _MEDIA:
        return Extraction(UNSUPPORTED, f"未提取文字：{_MEDIA[ext]}文件不含可检索的文字")
    else:
        shown = f".{ext} " if ext else "无扩展名的"
        return Extraction(UNSUPPORTED, f"未提取文字：不支持读取{shown}文件")
    try:
        return handler(path)
    except LimitExceeded as exc:
        return Extraction(CORRUPT, str(exc))
    except MemoryError:
        return Extraction(CORRUPT, "文件过大或结构过于复杂，读取时内存不足")
    except RecursionError:
        return Extraction(CORRUPT, "文件结构嵌套过深，无法读取")
    except Exception as exc:  # noqa: BLE001 - whatever a parser throws, the file is unreadable
        return Extraction(CORRUPT, f"读取失败：{type(exc).__name__}: {exc}"[:500])


def extract_task(path: str, ext: str) -> dict[str, Any]:
    """What a worker does for one stored file: extract, then propose 题名/文号/日期/责任者."""
    from indexing.proposals import propose

    result = extract_file(Path(path), ext)
    # PostgreSQL text cannot hold NUL characters; some PDFs and text files carry them.
    result.text = result.text.replace("\x00", "")
    heading = str(result.info.pop("heading", "") or "").replace("\x00", "")
    if result.text.strip():
        proposed = propose(result.text, heading)
        if proposed:
            result.info["proposed"] = proposed
    return result.as_dict()


def extract_and_analyze_task(path: str, ext: str) -> dict[str, Any]:
    """``extract_task`` plus the search-index terms of the text, for a run that also indexes:
    the analysis (bigrams, jieba words: half the cost of indexing) then runs in the worker
    processes, in parallel, instead of in the one process that writes the index."""
    from indexing.analysis import text_terms

    result = extract_task(path, ext)
    if result.get("text"):
        result["terms"] = text_terms(result["text"])
    return result

"""Full-text search from the window (``indexing.search``), with the words to highlight."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from archive.library import Library

FILE_TYPES: dict[str, str] = {
    "全部类型": "",
    "Word 文档": "docx,doc,wps",
    "PDF": "pdf,ofd",
    "Excel 表格": "xlsx,xls,et,csv",
    "图片": "jpg,jpeg,png,gif,bmp,tif,tiff,heic,webp",
    "演示文稿": "pptx,ppt,dps",
}


@dataclass(frozen=True)
class SearchRequest:
    text: str
    period: str | None = None
    standard: str | None = None  # code: the indicator and its subtree
    unit: str | None = None
    file_type: str = ""
    limit: int = 200


@dataclass
class SearchResult:
    request: SearchRequest
    hits: list[Any] = field(default_factory=list)
    words: list[str] = field(default_factory=list)


def run_search(lib: Library, request: SearchRequest) -> SearchResult:
    from indexing.search import search

    hits = search(lib, request.text, period=request.period, standard=request.standard,
                  unit=request.unit, file_type=request.file_type or None, limit=request.limit)
    return SearchResult(request, hits, highlighted_words(hits))


def highlighted_words(hits: list[Any]) -> list[str]:
    """The words the index marked in the snippets, longest first, to mark in the preview too."""
    words: dict[str, None] = {}
    for hit in hits:
        for start, end in hit.highlights:
            word = hit.snippet[start:end].strip()
            if word:
                words.setdefault(word, None)
    return sorted(words, key=len, reverse=True)

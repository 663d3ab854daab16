"""Where each file goes inside a package:
``<period>/<block>/<item>/<standard code + short title>/<NNN>-<title>.<ext>``.

Folders get fixed shares of the path budget so that every file name keeps room for a readable
title; a document filed under several standards appears in each standard's folder (evaluators
look for evidence by standard). Numbers follow DA/T 22's order of 件: by date, then filing order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any

from exporters.package.names import (
    PATH_BUDGET,
    NameSpace,
    clean_component,
    file_name,
    folder_name,
    shorten,
    split_ext,
    utf16_len,
)
from exporters.package.selection import DocInfo, Node, Selection, StandardInfo

# Shares of the path budget for each folder level (UTF-16 units, separators not included).
PERIOD_UNITS = 16
BLOCK_UNITS = 20
ITEM_UNITS = 24
STANDARD_UNITS = 36
MIN_FILE_UNITS = 40

FORM_NAME = "000-测评材料提交表.docx"
PHOTO_SHEET_NAME = "000-照片资料.docx"

# Files at the root of a package (the BagIt tag files are added by the manifest).
INDEX_HTML = "index.html"
INDEX_DATA_JS = "index-data.js"
INDEX_TEXT_JS = "index-text.js"
CATALOG_XLSX = "资料目录.xlsx"
CATALOG_DOCX = "资料目录.docx"

RETENTION_CODES = {"永久": "Y", "30年": "D30", "10年": "D10"}
_FAR_FUTURE = dt.date(9999, 12, 31)


@dataclass
class Placement:
    """One document in one standard's folder."""

    doc: DocInfo
    standard: StandardInfo
    seq: int
    path: str  # relative to the package root, "/"-separated
    archival_no: str  # 档号
    renamed: list[str] = field(default_factory=list)  # why the name differs from the title

    def __reduce__(self) -> tuple[type[Placement], tuple[Any, ...]]:
        return Placement, _PLACEMENT_FIELDS(self)  # see DocInfo.__reduce__


_PLACEMENT_FIELDS = attrgetter(*(f.name for f in fields(Placement)))


@dataclass
class StandardFolder:
    standard: StandardInfo
    path: str
    placements: list[Placement] = field(default_factory=list)

    @property
    def form_path(self) -> str:
        return f"{self.path}/{FORM_NAME}"

    @property
    def photo_sheet_path(self) -> str:
        return f"{self.path}/{PHOTO_SHEET_NAME}"


@dataclass
class Layout:
    period_dir: str
    folders: list[StandardFolder]

    @property
    def placements(self) -> list[Placement]:
        return [p for f in self.folders for p in f.placements]


def archival_number(fonds: str, period: str, doc: DocInfo, std: StandardInfo, seq: int) -> str:
    """档号 after DA/T 22: [全宗号-]年度-保管期限代码-测评标准编号-件号."""
    parts = [fonds] if fonds else []
    parts += [period, RETENTION_CODES.get(doc.retention, "D30"), std.code, f"{seq:03d}"]
    return "-".join(parts)


def _doc_title(doc: DocInfo) -> str:
    return doc.title.strip() or split_ext(doc.original_name)[0] or f"文件{doc.id}"


def _doc_ext(doc: DocInfo) -> str:
    if doc.ext:
        return "." + doc.ext
    return split_ext(doc.original_name)[1].lower()


def _join(*parts: str) -> str:
    return "/".join(p for p in parts if p)


def plan_layout(sel: Selection, fonds: str = "") -> Layout:
    """Paths for every standard folder and every document of ``sel``, unique and in budget."""
    period_dir = shorten(clean_component(sel.period), PERIOD_UNITS)
    by_standard: dict[int, list[DocInfo]] = {}
    for doc in sel.documents:
        for sid in doc.standard_ids:
            by_standard.setdefault(sid, []).append(doc)

    spaces: dict[str, NameSpace] = {}
    dir_names: dict[tuple[str, int], str] = {}

    def sub_dir(parent: str, node: Node, units: int) -> str:
        key = (parent, node.id)
        if key not in dir_names:
            space = spaces.setdefault(parent, NameSpace())
            name, _ = space.claim(folder_name(node.code, node.title, units), units + 6)
            dir_names[key] = _join(parent, name)
        return dir_names[key]

    folders: list[StandardFolder] = []
    for std in sel.standards:
        path = period_dir
        for node, units in zip(std.ancestors[:2], (BLOCK_UNITS, ITEM_UNITS), strict=False):
            path = sub_dir(path, node, units)
        std_node = Node(std.id, None, std.code, std.title, "测评标准", True)
        path = sub_dir(path, std_node, STANDARD_UNITS)
        folder = StandardFolder(std, path)
        folders.append(folder)

        space = NameSpace()
        space.claim(FORM_NAME, 255)
        space.claim(PHOTO_SHEET_NAME, 255)
        budget = max(PATH_BUDGET - utf16_len(path) - 1, MIN_FILE_UNITS)
        docs = sorted(by_standard.get(std.id, []), key=lambda d: (d.doc_date or _FAR_FUTURE,
                                                                   d.id))
        width = max(3, len(str(len(docs))))
        for seq, doc in enumerate(docs, start=1):
            name, reasons = file_name(f"{seq:0{width}d}-", _doc_title(doc), _doc_ext(doc), budget)
            name, clashed = space.claim(name, budget)
            if clashed:
                reasons.append("deduplicated")
            folder.placements.append(Placement(
                doc=doc, standard=std, seq=seq, path=f"{path}/{name}",
                archival_no=archival_number(fonds, sel.period, doc, std, seq), renamed=reasons,
            ))
    return Layout(period_dir, folders)

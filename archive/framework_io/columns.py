"""Which column holds what: the canonical field names, their synonyms, and finding the header.

Offices name the same column in many ways (测评标准 / 具体标准 / 工作任务 …) and put title rows above
the header, or split the header over two rows under a merged group heading ("责任分工" over
牵头单位 and 责任单位). The header is therefore found by the names it contains, never by position.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from archive.framework_io.cells import SheetGrid
from archive.framework_io.errors import MappingError, column_index, column_letter

SEQ = "序号"
BLOCK = "版块"
ITEM = "测评项目"
CONTENT = "测评内容"
STANDARD = "测评标准"
SCORE = "分值"
METHOD = "测评方法"
LEAD = "牵头单位"
UNITS = "责任单位"
SUPPORT = "配合单位"
EVIDENCE = "佐证资料"

# The mapping keys the command line and the desktop wizard accept, in table order.
FIELDS: tuple[str, ...] = (SEQ, BLOCK, ITEM, CONTENT, STANDARD, SCORE, METHOD, LEAD, UNITS,
                           EVIDENCE)
# Recognised too: a separate 配合单位 column when the table also has 责任单位.
EXTRA_FIELDS: tuple[str, ...] = (SUPPORT,)
ALL_FIELDS = FIELDS + EXTRA_FIELDS
LEVEL_FIELDS: tuple[str, ...] = (BLOCK, ITEM, CONTENT, STANDARD)
REQUIRED: tuple[str, ...] = (STANDARD,)

SYNONYMS: dict[str, tuple[str, ...]] = {
    SEQ: ("序号", "编号", "序", "指标编号", "代码", "标准编号"),
    BLOCK: ("版块", "板块", "一级指标", "测评版块", "测评板块"),
    ITEM: ("测评项目", "二级指标", "项目", "测评项"),
    CONTENT: ("测评内容", "三级指标", "内容"),
    STANDARD: ("测评标准", "测评要求", "具体标准", "工作任务", "工作标准", "四级指标", "标准",
               "评价标准", "具体任务", "任务内容", "工作内容", "具体要求", "测评细则"),
    SCORE: ("分值", "分数", "权重", "分"),
    METHOD: ("测评方法", "测评方式", "测评形式", "考核方式", "考核方法", "测评方式方法"),
    LEAD: ("牵头单位", "牵头部门", "牵头责任单位", "主责单位"),
    UNITS: ("责任单位", "责任部门", "配合单位", "责任主体", "配合部门", "协同单位", "参与单位"),
    SUPPORT: ("配合单位", "配合部门", "协同单位", "协助单位"),
    EVIDENCE: ("佐证资料", "佐证资料要求", "资料要求", "台账要求", "佐证材料", "报送材料",
               "申报材料", "台账资料", "佐证材料要求", "资料清单"),
}

# "项目名称", "标准要求": a two-character name followed by one of these is still that name; a
# data cell such as "标准一" is not.
_SHORT_SUFFIXES = ("名称", "要求", "清单", "及要求", "说明", "内容")
_BRACKETS = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")
_NOISE = re.compile(r"[\s*＊:：、/]+")


def header_key(text: str) -> str:
    return _NOISE.sub("", unicodedata.normalize("NFKC", text))


def match_header(text: str) -> list[tuple[str, float]]:
    """Fields a header cell may name, with a quality: 3 exact, 2 exact without brackets,
    1 the name starts with a synonym ("测评标准及要求"). Best first."""
    key = header_key(text)
    if not key or len(key) > 16:
        return []
    bare = header_key(_BRACKETS.sub("", unicodedata.normalize("NFKC", text)))
    found: dict[str, float] = {}
    for fname, words in SYNONYMS.items():
        for rank, w in enumerate(words):
            if key == w:
                q = 3.0
            elif bare == w:
                q = 2.0
            elif bare.startswith(w) and len(bare) <= len(w) + 5 and (
                    len(w) >= 3 or bare[len(w):] in _SHORT_SUFFIXES):
                q = 1.0
            else:
                continue
            # The field's first names win over its later ones (责任单位 over 配合单位).
            # 配合单位 is first of all a 责任单位 synonym; SUPPORT only takes it beside one.
            q -= rank / 100 + (0.5 if fname == SUPPORT else 0)
            found[fname] = max(found.get(fname, 0.0), q)
    return sorted(found.items(), key=lambda kv: (-kv[1], ALL_FIELDS.index(kv[0])))


@dataclass
class HeaderInfo:
    """Where the header is and which column holds which field (0-based indexes)."""

    first_row: int
    last_row: int
    columns: dict[str, int]
    headers: dict[int, str]  # every non-empty header cell, recognised or not
    explicit: set[str] = field(default_factory=set)  # fields given by the caller's mapping

    @property
    def data_start(self) -> int:
        return self.last_row + 1

    @property
    def missing(self) -> list[str]:
        return [f for f in REQUIRED if f not in self.columns]

    def mapping_letters(self) -> dict[str, str]:
        return {f: column_letter(c) for f, c in sorted(self.columns.items(),
                                                         key=lambda kv: kv[1])}

    def headers_seen(self) -> list[str]:
        return [f"{column_letter(c)}“{t}”" for c, t in sorted(self.headers.items())]


def assign_fields(headers: dict[int, str]) -> dict[str, int]:
    """Give each field the best-matching column; each column serves one field."""
    candidates: list[tuple[float, int, str]] = []
    for col, text in headers.items():
        for fname, quality in match_header(text):
            if fname != SUPPORT:
                candidates.append((-quality, col, fname))
    candidates.sort(key=lambda t: (t[0], ALL_FIELDS.index(t[2]), t[1]))
    columns: dict[str, int] = {}
    used: set[int] = set()
    for _q, col, fname in candidates:
        if fname in columns or col in used:
            continue
        columns[fname] = col
        used.add(col)
    if SUPPORT not in columns:
        for col, text in sorted(headers.items()):
            if col not in used and any(f == SUPPORT for f, _ in match_header(text)):
                columns[SUPPORT] = col
                break
    return columns


def _row_headers(grid: SheetGrid, row: int, n_cols: int) -> dict[int, str]:
    return {c: t for c in range(n_cols) if (t := grid.text(row, c))}


def _two_row_headers(grid: SheetGrid, row: int, n_cols: int) -> dict[int, str]:
    """A header over two rows: the lower name where there is one, else the upper (merged)."""
    out: dict[int, str] = {}
    for c in range(n_cols):
        upper = grid.text(row, c)
        m = grid.merge(row + 1, c)
        spans_both = m is not None and m[0] <= row
        lower = "" if spans_both else grid.text(row + 1, c)
        if lower and (match_header(lower) or not match_header(upper)):
            out[c] = lower
        elif upper:
            out[c] = upper
    return out


def _score(columns: dict[str, int]) -> tuple[int, int]:
    return (1 if STANDARD in columns else 0, len(columns))


SCAN_ROWS = 30


def find_header(grid: SheetGrid) -> HeaderInfo | None:
    """The row (or pair of rows) above the table that names the most known fields."""
    n_cols = grid.n_cols
    best: tuple[tuple[int, int], int, HeaderInfo] | None = None
    for r in range(min(grid.n_rows, SCAN_ROWS)):
        single = _row_headers(grid, r, n_cols)
        cols1 = assign_fields(single)
        options = [(cols1, r, single)]
        # A second header row only extends a first row that names fields itself (a title row
        # merged across the table above the header is not a header row).
        if r + 1 < grid.n_rows and cols1:
            double = _two_row_headers(grid, r, n_cols)
            cols2 = assign_fields(double)
            if _score(cols2) > _score(cols1):
                options.append((cols2, r + 1, double))
        for cols, last, headers in options:
            if len(cols) < 2:
                continue
            score = _score(cols)
            if best is None or score > best[0]:
                best = (score, r, HeaderInfo(r, last, cols, headers))
    return best[2] if best else None


def parse_mapping(pairs: list[str] | None) -> dict[str, str]:
    """["测评标准=D", "牵头单位=G"] → {"测评标准": "D", "牵头单位": "G"}."""
    out: dict[str, str] = {}
    for pair in pairs or []:
        key, sep, value = pair.replace("＝", "=").partition("=")
        if not sep or not key.strip() or not value.strip():
            raise MappingError(f"列对应“{pair}”应写成 字段=列，例如 测评标准=D")
        out[key.strip()] = value.strip()
    return out


def apply_mapping(
    grid: SheetGrid, found: HeaderInfo | None, mapping: dict[str, str], path: str
) -> HeaderInfo:
    """Overlay the caller's mapping on what was recognised. A value is a column letter ("D") or
    the header text of a column ("具体要求")."""
    if found is None:
        first = next((r for r in range(min(grid.n_rows, SCAN_ROWS))
                      if sum(1 for c in range(grid.n_cols) if grid.text(r, c)) >= 2), 0)
        found = HeaderInfo(first, first, {}, _row_headers(grid, first, grid.n_cols))
    columns = dict(found.columns)
    for key, value in mapping.items():
        fname = _canonical_field(key)
        if fname is None:
            raise MappingError(f"列对应中的字段“{key}”无法识别。可用的字段：{'、'.join(ALL_FIELDS)}",
                               path, grid.name)
        col = column_index(value)
        if col is None:
            col = next((c for c, t in found.headers.items()
                        if header_key(t) == header_key(value)), None)
        if col is None:
            raise MappingError(
                f"列对应“{key}={value}”中的“{value}”既不是列号（如 D），也不是表头中的名称。"
                f"表头中看到：{'、'.join(found.headers_seen()) or '（空）'}", path, grid.name)
        for other, c in list(columns.items()):
            if c == col and other != fname:
                del columns[other]
        columns[fname] = col
    return HeaderInfo(found.first_row, found.last_row, columns, found.headers,
                      explicit={_canonical_field(k) or k for k in mapping})


def _canonical_field(name: str) -> str | None:
    key = header_key(name)
    if key in ALL_FIELDS:
        return key
    for fname, quality in match_header(name):
        if quality >= 2:
            return fname
    return None

"""Turn a 佐证资料要求 text into typed evidence items.

"1.实施方案；2.会议记录；3.活动照片不少于3张" → [实施方案 ×1, 会议记录 ×1, 活动照片 (photo) ×3].
Both the sample framework and the workbook importer use this, so that the same text always gives
the same requirements.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Kinds of evidence; the check matches documents to requirements by these.
KIND_PHOTO = "photo"
KIND_VIDEO = "video"
KIND_PLAN = "plan"
KIND_RECORD = "record"
KIND_REPORT = "report"
KIND_TABLE = "table"
KIND_DOCUMENT = "document"

_KIND_WORDS: list[tuple[str, tuple[str, ...]]] = [
    (KIND_PHOTO, ("照片", "图片", "相片", "影像")),
    (KIND_VIDEO, ("视频", "录像", "音像")),
    (KIND_PLAN, ("方案", "计划", "规划", "预案")),
    (KIND_RECORD, ("记录", "纪要", "签到", "会议")),
    (KIND_REPORT, ("总结", "报告", "汇报", "简报", "信息")),
    (KIND_TABLE, ("台账", "统计", "表", "名册", "清单", "花名册")),
]

_SPLIT = re.compile(r"[；;\n\r。]+|(?:^|\s)(?=\d{1,2}[.、．)）])")
_NUMBERING = re.compile(r"^\s*(?:[（(]?\d{1,2}[)）.、．]|[①-⑳]|[一二三四五六七八九十]+[、.．])\s*")
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9, "十": 10}
_NUM = r"(\d+|[一二两三四五六七八九十])"
_UNITS = r"[张份次篇个件期场本条套幅组段人项]?"
_COUNT_PATTERNS = [
    re.compile(rf"(?:不少于|不低于|至少|最少|≥|>=|不得少于)\s*{_NUM}\s*{_UNITS}"),
    re.compile(rf"{_NUM}\s*{_UNITS}\s*(?:以上|及以上)"),
]


@dataclass(frozen=True)
class RequirementSpec:
    label: str
    kind: str
    min_count: int


def _to_int(token: str) -> int:
    return int(token) if token.isdigit() else _CN_DIGITS.get(token, 1)


def kind_of(label: str) -> str:
    for kind, words in _KIND_WORDS:
        if any(w in label for w in words):
            return kind
    return KIND_DOCUMENT


def parse_item(text: str) -> RequirementSpec | None:
    """One item ("活动照片不少于3张") → its spec; None for an empty item."""
    item = _NUMBERING.sub("", text).strip(" \t，,：:、")
    if not item:
        return None
    count = 1
    label = item
    for pattern in _COUNT_PATTERNS:
        m = pattern.search(item)
        if m:
            count = max(1, _to_int(m.group(1)))
            label = (item[: m.start()] + item[m.end() :]).strip(" \t，,：:（）()")
            break
    label = label or item
    return RequirementSpec(label=label, kind=kind_of(label), min_count=count)


def parse_requirements(text: str | None) -> list[RequirementSpec]:
    """Split a requirement text into items and type each one; keeps the sheet's order."""
    if not text:
        return []
    specs: list[RequirementSpec] = []
    seen: set[str] = set()
    for part in _SPLIT.split(str(text)):
        if part is None:
            continue
        spec = parse_item(part)
        if spec and spec.label not in seen:
            seen.add(spec.label)
            specs.append(spec)
    return specs

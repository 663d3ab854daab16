"""Reading the numbering and weights offices write into titles.

"第一版块  牢固的思想道德基础（权重30%）" → title "牢固的思想道德基础", score 30;
"1.2.3 建设道德讲堂" → code "1.2.3"; "（二）规范政务行为" → "规范政务行为". The export writes titles
without numbering and weights as "（30分）", which this reads back.
"""

from __future__ import annotations

import re

_CN_NUM = "一二三四五六七八九十百零〇两"
_CODE = re.compile(r"^(\d{1,3}(?:[.．]\d{1,3})+)(?:[.．、]|\s+|(?=[^\d.．]))\s*")
_ENUM = re.compile(
    rf"^(?:第[{_CN_NUM}\d]+(?:版块|板块|部分|篇|章|项|类)[\s:：、.．]*"
    rf"|[（(][{_CN_NUM}\d]{{1,3}}[)）][\s、.．]*"
    rf"|[{_CN_NUM}]{{1,3}}[、.．]\s*"
    r"|\d{1,3}[、.．](?!\d)\s*"
    r"|[①-⑳]\s*)"
)
_WEIGHT = re.compile(
    r"[（(]\s*(?:权重|分值|满分|计)?\s*[:：]?\s*(\d{1,3}(?:\.\d+)?)\s*(%|％|分)\s*[)）]\s*$"
)
_CODE_VALUE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-_]{0,40}$")
_DOTTED = re.compile(r"^\d{1,3}(?:\.\d{1,3})+$")


def split_heading(text: str) -> tuple[str, str, float | None]:
    """A heading cell → (title, explicit code or "", weight or None)."""
    title = text.strip()
    score: float | None = None
    m = _WEIGHT.search(title)
    if m and m.start() > 0:
        score = float(m.group(1))
        title = title[: m.start()].rstrip()
    code, title = split_code(title)
    return title or text.strip(), code, score


def split_code(text: str) -> tuple[str, str]:
    """Leading "1.2.3" → code; leading "一、" / "（二）" / "1." numbering is dropped."""
    title = text.strip()
    code = ""
    m = _CODE.match(title)
    if m and m.end() < len(title):
        code = m.group(1).replace("．", ".")
        title = title[m.end():].strip()
    else:
        m = _ENUM.match(title)
        if m and m.end() < len(title):
            title = title[m.end():].strip()
    return code, title or text.strip()


def code_from_cell(text: str) -> tuple[str, int | None]:
    """A 序号 cell → (code, running number): "1.2.3" → code; "5" → number 5; "A-1" → code."""
    value = text.strip().rstrip(".．、").replace("．", ".")
    if not value:
        return "", None
    if re.fullmatch(r"\d{1,6}(?:\.0+)?", value):
        return "", int(value.split(".")[0])
    if _DOTTED.match(value) or _CODE_VALUE.match(value):
        return value, None
    return "", None

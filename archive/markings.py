"""Security markings (密级) on a document: "秘密★1年", "机密", "绝密", "内部资料 注意保存".

Both the check (finding ``classified``) and the export (holding classified documents back) use
this one rule, so what the check flags is exactly what the export withholds.
"""

from __future__ import annotations

import re

LEVELS = ("绝密", "机密", "秘密", "内部")
# A marking stands alone or with its ★/☆ period, not inside words like "秘密通道" or "内部控制".
_MARK = re.compile(
    r"(?<![\u4e00-\u9fff])(绝密|机密|秘密)(?:\s*[★☆*]\s*[\d一二三四五六七八九十]*\s*年?)?"
    r"(?![\u4e00-\u9fff]{2})"
    r"|(内部(?:资料|文件|材料)?)\s*[，,、]?\s*(?:注意保存|请勿外传|不得外传)"
    r"|(?<![\u4e00-\u9fff])(内部)(?:★|\s*[（(]?\s*内部使用)"
)
FIRST_CHARS = 300


def classified_marking(text: str | None, name: str = "") -> str | None:
    """The strongest marking in the file name or the first lines of the text, else None."""
    found: set[str] = set()
    for chunk in (name, (text or "")[:FIRST_CHARS]):
        for m in _MARK.finditer(chunk):
            level = next(g for g in m.groups() if g)
            found.add("内部" if level.startswith("内部") else level)
    for level in LEVELS:
        if level in found:
            return level
    return None

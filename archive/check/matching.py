"""Does a document satisfy a requirement label? Fuzzy, explainable keyword matching.

A requirement label such as "中心组学习会议记录" has a *type word* at its end (会议记录) and *core
keywords* before it (中心组学习). A document satisfies it when its title or file name holds a word of
the same type family (记录 or 纪要: 会议记录 also matches 会议纪要) and at least half of the core
keywords, compared as character pairs so that word order and small insertions do not matter
("理论学习中心组第三次集体学习会议纪要" matches). Generic words (工作, 实施, 活动, 相关, 资料…) are
not keywords, so "方案" and "实施方案" are both satisfied by a 工作方案. Photos and videos satisfy
photo and video requirements by their kind alone: their names ("IMG_2031") say nothing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

MEDIA_KINDS = frozenset({"photo", "video"})


@dataclass(frozen=True)
class TypeFamily:
    """Words that name a kind of evidence in a label, and what satisfies it in a document."""

    label_words: tuple[str, ...]
    doc_words: tuple[str, ...]
    doc_kinds: frozenset[str] = frozenset()


_RECORD_WORDS = ("记录", "纪要", "纪实")
TYPE_FAMILIES: tuple[TypeFamily, ...] = (
    TypeFamily(("会议记录", "会议纪要", "纪要"), _RECORD_WORDS),
    TypeFamily(("记录", "纪实"), _RECORD_WORDS),
    TypeFamily(("签到表", "签到"), ("签到",)),
    TypeFamily(("方案", "预案"), ("方案", "预案")),
    TypeFamily(("计划", "规划", "安排", "要点"), ("计划", "规划", "安排", "要点")),
    TypeFamily(("总结", "小结"), ("总结", "小结")),
    TypeFamily(("报告", "汇报"), ("报告", "汇报")),
    TypeFamily(("简报", "专报", "信息"), ("简报", "专报", "快报", "信息")),
    TypeFamily(("报道", "新闻"), ("报道", "新闻")),
    TypeFamily(("通知",), ("通知",)),
    TypeFamily(("通报",), ("通报",)),
    TypeFamily(("公示", "公告"), ("公示", "公告")),
    TypeFamily(("制度", "办法", "规定", "细则", "章程", "公约", "守则", "机制"),
               ("制度", "办法", "规定", "细则", "章程", "公约", "守则", "机制", "规范")),
    TypeFamily(("意见", "决定"), ("意见", "决定")),
    TypeFamily(("花名册", "名册", "名单", "名录"), ("名册", "名单", "名录"), frozenset({"table"})),
    TypeFamily(("清单", "目录", "一览表", "明细"), ("清单", "目录", "一览", "明细"),
               frozenset({"table"})),
    TypeFamily(("统计表", "登记表", "台账", "统计", "表"), ("台账", "表", "统计", "登记"),
               frozenset({"table"})),
    TypeFamily(("截图", "截屏"), ("截图", "截屏"), frozenset({"photo"})),
    TypeFamily(("照片", "图片", "相片", "影像"), ("照片", "图片", "相片", "影像"),
               frozenset({"photo"})),
    TypeFamily(("视频", "录像", "音像"), ("视频", "录像", "音像"), frozenset({"video"})),
)

# Words that say nothing about *which* document is meant; removed from the core keywords.
GENERIC_WORDS = (
    "复印件", "扫描件", "电子版", "工作", "实施", "相关", "有关", "活动", "专项", "开展", "材料",
    "资料", "文件", "佐证", "证明", "原件", "本年度", "年度", "全年", "各类", "各项",
)
_SEPARATORS = re.compile(r"[\s\d０-９a-zA-Z、，,。.．:：;；“”\"'‘’（）()《》<>【】\[\]\-—_/及与或等的]+")
_COUNT = re.compile(r"(?:不少于|不低于|至少|不得少于)\S*$")


def normalise(text: str) -> str:
    """Full-width forms folded (NFKC), lower case, no spaces."""
    text = text or ""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return "".join(text.split()).lower()


@dataclass(frozen=True)
class LabelMatcher:
    label: str
    family: TypeFamily | None
    keys: tuple[str, ...]  # character pairs (or single characters) of the core keywords
    media: frozenset[str]  # document kinds that satisfy the requirement by kind alone

    def matches(self, kind: str, text: str) -> bool:
        """``text`` is the normalised title and file name of a document of ``kind``."""
        if kind in self.media:
            return True
        if self.family is not None and not (
            kind in self.family.doc_kinds or any(w in text for w in self.family.doc_words)
        ):
            return False
        if not self.keys:
            return self.family is not None or kind not in MEDIA_KINDS
        hits = sum(1 for k in self.keys if k in text)
        return hits * 2 >= len(self.keys)


def _find_family(label: str) -> tuple[TypeFamily | None, int, int]:
    """The family whose word ends rightmost in the label (the longest word on a tie)."""
    best: tuple[int, int, TypeFamily | None, int] = (-1, 0, None, 0)
    for family in TYPE_FAMILIES:
        for word in family.label_words:
            pos = label.rfind(word)
            if pos < 0:
                continue
            end = pos + len(word)
            if (end, len(word)) > best[:2]:
                best = (end, len(word), family, pos)
    end, length, family, pos = best
    return family, pos, end


def _core_keys(core: str) -> tuple[str, ...]:
    for word in GENERIC_WORDS:
        core = core.replace(word, " ")
    keys: list[str] = []
    for segment in _SEPARATORS.split(core):
        if len(segment) == 1:
            keys.append(segment)
        keys.extend(segment[i:i + 2] for i in range(len(segment) - 1))
    return tuple(dict.fromkeys(keys))


@lru_cache(maxsize=4096)
def matcher_for(label: str, kind: str = "document") -> LabelMatcher:
    """The matcher of a requirement (cached: a framework has a few hundred labels)."""
    text = _COUNT.sub("", normalise(label))
    family, start, end = _find_family(text)
    core = text[:start] + " " + text[end:] if family is not None else text
    media = set(family.doc_kinds & MEDIA_KINDS) if family is not None else set()
    if kind in MEDIA_KINDS:
        media.add(kind)
    return LabelMatcher(label=label, family=family, keys=_core_keys(core), media=frozenset(media))


def document_text(title: str, original_name: str) -> str:
    """What a document is matched on: its 题名 and its file name without the extension."""
    stem = original_name.rsplit(".", 1)[0] if "." in original_name else original_name
    return normalise(f"{title} {stem}")


def matches(label: str, requirement_kind: str, doc_kind: str, title: str,
            original_name: str) -> bool:
    """One-off form of the matching rule (the check itself reuses matchers and texts)."""
    return matcher_for(label, requirement_kind).matches(doc_kind, document_text(title,
                                                                                 original_name))

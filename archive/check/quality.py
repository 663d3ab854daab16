"""Quality findings on documents: the 有、真、好 rule (after DA/T 70's authenticity, integrity,
usability and security).

Every finding is about one document; its ``subject`` ("doc:<id>") is what a clerk's acceptance
refers to, so an acceptance survives re-running the check. Findings of the *blocking* kinds make a
document unusable as evidence: an empty, broken or locked file cannot be shown to the evaluators,
and last year's file, or a paper dated outside the year, is not evidence of this year's work.
Completeness does not count such a document until the clerk accepts the finding (a 制度 issued
two years ago and still in force, say).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from archive.check.ledger import DocFacts, Ledger, PriorUse
from archive.check.windows_names import MAX_NAME_CHARS, MAX_TITLE_CHARS, name_problems
from archive.markings import FIRST_CHARS, LEVELS, classified_marking

FINDING_KINDS = (
    "empty", "corrupt", "encrypted", "no_text", "out_of_period", "reused", "duplicate",
    "classified", "unsafe_name", "missing_metadata", "photo_caption", "unassigned",
)
KIND_LABELS = {
    "empty": "空文件",
    "corrupt": "文件损坏",
    "encrypted": "文件加密",
    "no_text": "无文字层",
    "out_of_period": "日期不在年度内",
    "reused": "往年资料重复使用",
    "duplicate": "重复资料",
    "classified": "涉密标志",
    "unsafe_name": "名称不合规",
    "missing_metadata": "缺少题名或日期",
    "photo_caption": "照片缺少说明",
    "unassigned": "未归类",
}
BLOCKING_KINDS = frozenset({"empty", "corrupt", "encrypted", "reused", "out_of_period"})
MEDIA_KINDS = frozenset({"photo", "video"})
PUBLIC = "公开"
RELEASED_REASON = "已放行：档案员确认可以对外提供（released）"
# Text duplicates are judged on the first characters of the text; shorter texts are too
# uncertain (a cover page, a form) to call two documents the same.
MIN_DUPLICATE_TEXT = 80

# Titles that are a program's default file name, not a 题名.
_DEFAULT_TITLE = re.compile(
    r"^(新建.*文档.*|文档\d*|未命名.*|无标题.*|untitled.*|doc\d*|document\d*|img[_\-]?\d+.*|"
    r"dsc[_\-]?\d+.*|scan[_\-]?\d*|扫描件?\d*|微信图片.*|\d+)$",
    re.IGNORECASE,
)
_SPACES = re.compile(r"\s+")
_DOC_NUMBER_PUNCT = re.compile(r"[\s〔〕\[\]【】（）()]+")


def subject_of(document_id: int) -> str:
    return f"doc:{document_id}"


@dataclass
class Finding:
    kind: str
    document_id: int
    message: str
    title: str = ""
    source_path: str = ""
    standards: list[str] = field(default_factory=list)
    unit_id: int | None = None
    unit: str = ""
    accepted: bool = False
    reason: str = ""  # the clerk's reason when accepted
    sha256: str = ""
    ext: str = ""
    related_document_id: int | None = None  # the earlier copy (reused, duplicate)

    @property
    def subject(self) -> str:
        return subject_of(self.document_id)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def blocking(self) -> bool:
        return self.kind in BLOCKING_KINDS

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "kind_label": self.kind_label, "subject": self.subject,
            "document_id": self.document_id, "title": self.title,
            "source_path": self.source_path, "standards": self.standards, "unit": self.unit,
            "message": self.message, "accepted": self.accepted, "reason": self.reason,
            "blocking": self.blocking, "related_document_id": self.related_document_id,
            "sha256": self.sha256, "ext": self.ext,
        }


# -- single facts ----------------------------------------------------------------------------
def is_empty(doc: DocFacts) -> bool:
    return doc.size == 0 or doc.status == "empty"


def is_corrupt(doc: DocFacts) -> bool:
    return doc.status == "corrupt" or doc.repaired


def is_encrypted(doc: DocFacts) -> bool:
    return doc.status == "encrypted"


def outside_period(doc: DocFacts, start: dt.date, end: dt.date) -> list[str]:
    """The dates of a document that lie outside the period ("成文日期 2021-12-01")."""
    outside = []
    if doc.doc_date is not None and not start <= doc.doc_date <= end:
        outside.append(f"成文日期 {doc.doc_date.isoformat()}")
    if doc.exif_date and doc.kind == "photo":
        taken = parse_exif_date(doc.exif_date)
        if taken is not None and not start <= taken <= end:
            outside.append(f"拍摄日期 {taken.isoformat()}")
    return outside


def blocking_kinds(doc: DocFacts, prior: dict[int, PriorUse], start: dt.date,
                   end: dt.date) -> set[str]:
    """The blocking findings of a document (what completeness needs; no text required)."""
    kinds: set[str] = set()
    if is_empty(doc):
        kinds.add("empty")
    elif is_corrupt(doc):
        kinds.add("corrupt")
    elif is_encrypted(doc):
        kinds.add("encrypted")
    if doc.id in prior:
        kinds.add("reused")
    if outside_period(doc, start, end):
        kinds.add("out_of_period")
    return kinds


def classified_level(doc: DocFacts) -> str | None:
    """The strongest 密级 of a document: the registered one, or a marking in its name or text."""
    name = f"{doc.title} {doc.original_name}"
    head = doc.head[:FIRST_CHARS]
    registered = doc.classification if doc.classification not in ("", PUBLIC) else None
    # Every marking the shared rule knows contains 密 or 内部: skip the regex for the rest.
    if "密" not in name and "密" not in head and "内部" not in name and "内部" not in head:
        return registered
    found = {classified_marking(head, name), registered}
    return next((level for level in LEVELS if level in found), None)


def parse_exif_date(value: Any) -> dt.date | None:
    if not value:
        return None
    text = str(value).strip()[:10].replace(":", "-")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def is_default_title(title: str) -> bool:
    return bool(_DEFAULT_TITLE.match(title.strip()))


def _proposed(doc: DocFacts, *keys: str) -> str:
    """What extraction proposed for a field (File.info["proposed"]), to show the clerk."""
    if not doc.proposed:
        return ""
    try:
        proposed = json.loads(doc.proposed)
    except ValueError:
        return ""
    if not isinstance(proposed, dict):
        return ""
    for key in keys:
        value = proposed.get(key)
        if value:
            return str(value)
    return ""


def _name(doc: DocFacts) -> str:
    return f"“{doc.title or doc.original_name}”"


# -- duplicates ------------------------------------------------------------------------------
def _text_key(head: str) -> str | None:
    text = _SPACES.sub("", head)
    return text if len(text) >= MIN_DUPLICATE_TEXT else None


def _number_key(number: str) -> str | None:
    key = _DOC_NUMBER_PUNCT.sub("", number)
    return key or None


def find_duplicates(docs: Iterable[DocFacts], standard_codes: dict[int, str]
                    ) -> dict[int, tuple[int, str, str]]:
    """Documents filed twice under one standard: later id → (earlier id, standard code, why).

    Byte-identical content is stored once and filing it again is refused, so what remains is the
    same document in another form: the same 文号, or the same text (a Word file and its PDF).
    """
    seen: dict[tuple[int, str, str], int] = {}
    found: dict[int, tuple[int, str, str]] = {}
    for doc in sorted(docs, key=lambda d: d.id):
        keys: list[tuple[str, str]] = [("文件", str(doc.file_id))]
        number = _number_key(doc.doc_number)
        if number:
            keys.append(("文号", number))
        text = _text_key(doc.head) if doc.kind not in MEDIA_KINDS else None
        if text:
            keys.append(("内容", text))
        for sid in doc.standards:
            if sid not in standard_codes:
                continue
            for what, key in keys:
                earlier = seen.setdefault((sid, what, key), doc.id)
                if earlier != doc.id and doc.id not in found:
                    found[doc.id] = (earlier, standard_codes[sid], what)
    return found


# -- all findings of documents ---------------------------------------------------------------
@dataclass
class QualityContext:
    """What judging one document needs beyond the document itself."""

    period: str
    start: dt.date
    end: dt.date
    standard_codes: dict[int, str]  # standards of the current framework
    prior: dict[int, PriorUse]
    duplicates: dict[int, tuple[int, str, str]]
    titles: dict[int, str]  # titles of documents findings refer to


def _document_findings(doc: DocFacts, ctx: QualityContext) -> list[tuple[str, str, int | None]]:
    """(kind, message, related document) for each finding of ``doc``; runs for every document
    of a period, so the common case (nothing wrong) does little work."""
    out: list[tuple[str, str, int | None]] = []
    name = _name(doc)
    broken = True
    if is_empty(doc):
        what = "0 字节" if doc.size == 0 else (doc.status_reason or "没有任何内容")
        out.append(("empty", f"{name}是空文件（{what}），请重新提供原件。", None))
    elif is_corrupt(doc):
        why = f"（{doc.status_reason}）" if doc.status_reason else ""
        out.append(("corrupt", f"{name}已损坏，无法正常打开{why}：可能是下载不完整，"
                               "请重新提供完好的文件。", None))
    elif is_encrypted(doc):
        out.append(("encrypted", f"{name}设有密码，测评人员无法打开：请提供未加密的文件。", None))
    else:
        broken = False
    media = doc.kind in MEDIA_KINDS
    if not broken and not media and doc.status == "no_text":
        out.append(("no_text", f"{name}没有文字层（扫描件或图片型 PDF），无法检索：请进行文字识别"
                               "（OCR）或补充文字说明。", None))
    outside = outside_period(doc, ctx.start, ctx.end)
    if outside:
        out.append(("out_of_period", f"{name}的{'、'.join(outside)}不在 {ctx.period} 年度"
                                     f"（{ctx.start.isoformat()} 至 {ctx.end.isoformat()}）内。",
                    None))
    prior = ctx.prior.get(doc.id)
    if prior is not None:
        out.append(("reused", f"{name}与 {prior.period} 年度已归档的“{prior.title}”"
                              f"（编号 {prior.document_id}）内容完全相同：往年资料不能作为本年度的佐证。",
                    prior.document_id))
    dup = ctx.duplicates.get(doc.id)
    if dup is not None:
        earlier, code, what = dup
        out.append(("duplicate", f"{name}与测评标准 {code} 下的“{ctx.titles.get(earlier, '')}”"
                                 f"（编号 {earlier}）{what}相同，重复归档。", earlier))
    level = classified_level(doc)
    if level is not None:
        out.append(("classified", f"{name}带有密级标志“{level}”（文件开头、名称或登记的密级）："
                                  "涉密资料不得拷入迎检 U 盘，请确认是否已解密。", None))
    problems = [f"题名{p}" for p in name_problems(doc.title, MAX_TITLE_CHARS)]
    problems += [f"文件名{p}" for p in name_problems(doc.original_name, MAX_NAME_CHARS)]
    if problems:
        out.append(("unsafe_name", f"{name}：{'；'.join(problems)}，导出到 Windows 时无法保存，"
                                   "请修改。", None))
    if doc.kind == "document" and not broken:
        lacking = []
        if not doc.title.strip() or is_default_title(doc.title):
            proposal = _proposed(doc, "title")
            lacking.append("题名" + (f"（提取到：{proposal}）" if proposal else ""))
        if doc.doc_date is None:
            proposal = _proposed(doc, "doc_date", "date")
            lacking.append("成文日期" + (f"（提取到：{proposal}）" if proposal else ""))
        if lacking:
            out.append(("missing_metadata", f"{name}缺少{'和'.join(lacking)}，请补录。", None))
    if doc.kind == "photo" and not doc.caption.strip():
        out.append(("photo_caption", f"照片{name}没有说明：请注明时间、地点、人物、事由。", None))
    if not any(sid in ctx.standard_codes for sid in doc.standards):
        out.append(("unassigned", f"{name}没有归到任何测评标准，请归类。", None))
    return out


def detect(ledger: Ledger, docs: Iterable[DocFacts],
           peers: Iterable[DocFacts] | None = None) -> list[Finding]:
    """Findings of ``docs``; duplicates are judged among ``peers`` (default: ``docs``)."""
    docs = list(docs)
    peers = docs if peers is None else list(peers)
    codes = {i.id: i.code for i in ledger.indicators.values() if i.is_standard}
    titles = {d.id: d.title for d in peers}
    ctx = QualityContext(ledger.period, ledger.start, ledger.end, codes, ledger.prior,
                         find_duplicates(peers, codes), titles)
    findings: list[Finding] = []
    for doc in docs:
        std_codes = [codes[s] for s in doc.standards if s in codes]
        unit = ledger.units.get(doc.unit_id) if doc.unit_id is not None else None
        for kind, message, related in _document_findings(doc, ctx):
            reason = ledger.accepted.get((kind, subject_of(doc.id)))
            if reason is None and kind == "classified" and doc.released:
                reason = RELEASED_REASON
            findings.append(Finding(
                kind=kind, document_id=doc.id, message=message, title=doc.title,
                source_path=doc.source_path, standards=std_codes, unit_id=doc.unit_id,
                unit=unit.name if unit else "", accepted=reason is not None,
                reason=reason or "", sha256=doc.sha256, ext=doc.ext,
                related_document_id=related,
            ))
    order = {k: i for i, k in enumerate(FINDING_KINDS)}
    findings.sort(key=lambda f: (order[f.kind], f.document_id))
    return findings

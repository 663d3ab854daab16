"""Proposed 题名, 文号, 成文日期 and 责任者, read from a document's text.

The rules follow the layout of Chinese official documents (GB/T 9704 公文格式): an optional
red header line "…文件", the 文号 on a line of its own (区文明办〔2023〕12号), the title set large
near the top, and at the end the issuing body's signature line with the date under it.
Proposals only fill fields the clerk left empty (see ``apply_proposals``); what a clerk typed
is never overwritten.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import PurePath
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from archive.audit import jsonable
from archive.models import AuditEntry, Document, utcnow

ACTOR = "自动提取"

_CJK = "\u3400-\u9fff"
DOC_NUMBER = re.compile(
    rf"([{_CJK}A-Za-z]{{1,15}})\s*[〔\[［(（【]\s*((?:19|20)\d\d)\s*[〕\]］)）】]\s*(?:第\s*)?(\d{{1,5}})\s*号"
)
_DATE_ARABIC = re.compile(r"((?:19|20)\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_DATE_HAN = re.compile(
    r"([〇零○Ｏ一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,2})\s*月\s*([一二三四五六七八九十]{1,3})\s*日"
)
_DATE_NUMERIC = re.compile(r"(?<!\d)((?:19|20)\d\d)[.\-/](\d{1,2})[.\-/](\d{1,2})(?!\d)")
_HAN_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
               "六": 6, "七": 7, "八": 8, "九": 9}
_RED_HEADER = re.compile(rf"^([{_CJK}（）()]{{2,40}}?)\s*文\s*件$")
ORG_SUFFIX = re.compile(
    r"(办公室|委员会|人民政府|政府|办事处|分局|局|部|办|委|中心|所|站|支队|大队|中队|队|院|馆|处|科|"
    r"社区|街道|村委会|居委会|团委|妇联|总工会|公司|学校|小学|中学|协会|联合会|指挥部|领导小组|工作组)$"
)
_UNIT_FIELD = re.compile(r"^(?:发文单位|填报单位|报送单位|责任单位|制表单位|单位)[:：]\s*([^、，,\s]{2,30})$")
_TITLE_SHAPE = re.compile(
    r"^关于|(通知|方案|总结|报告|记录|台账|计划|意见|办法|制度|纪要|请示|函|决定|简报|通报|公告|规定|细则|"
    r"要点|清单|统计表|汇总表|一览表|登记表)$"
)
_MARKING = re.compile(r"^(绝密|机密|秘密|内部)")


def _han_number(text: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20, 三十一 → 31."""
    if "十" not in text:
        return _HAN_DIGITS.get(text, 0)
    tens, _, ones = text.partition("十")
    return (_HAN_DIGITS.get(tens, 0) if tens else 1) * 10 + (_HAN_DIGITS.get(ones, 0) if ones else 0)


def find_dates(line: str) -> list[tuple[int, int, dt.date]]:
    """Every valid date in ``line`` as (start, end, date)."""
    found = []
    for m in _DATE_ARABIC.finditer(line):
        found.append((m.start(), m.end(), (int(m[1]), int(m[2]), int(m[3]))))
    for m in _DATE_HAN.finditer(line):
        year = int("".join(str(_HAN_DIGITS[c]) for c in m[1]))
        found.append((m.start(), m.end(), (year, _han_number(m[2]), _han_number(m[3]))))
    for m in _DATE_NUMERIC.finditer(line):
        found.append((m.start(), m.end(), (int(m[1]), int(m[2]), int(m[3]))))
    out = []
    for start, end, (y, mo, d) in sorted(found):
        try:
            out.append((start, end, dt.date(y, mo, d)))
        except ValueError:
            continue
    return out


def doc_number(lines: list[str]) -> str:
    """The 文号 standing on a line of its own near the top, normalised to 〔year〕."""
    for i, line in enumerate(lines[:30]):
        m = DOC_NUMBER.search(line)
        if m and (len(m.group(0)) >= 0.6 * len(line) or i < 3):
            return f"{m[1]}〔{m[2]}〕{int(m[3])}号"
    return ""


def doc_date(lines: list[str]) -> tuple[dt.date | None, int]:
    """成文日期: the last date standing alone among the last lines (under the signature), else
    the first date of the first lines (活动时间 of a record). Returns (date, line index)."""
    for i in range(len(lines) - 1, max(len(lines) - 9, -1), -1):
        dates = find_dates(lines[i])
        if dates:
            start, end, date = dates[-1]
            if end - start >= 0.5 * len(lines[i].replace(" ", "")) or i == len(lines) - 1:
                return date, i
    for i, line in enumerate(lines[:10]):
        dates = find_dates(line)
        if dates:
            return dates[0][2], i
    return None, -1


def author(lines: list[str], date_index: int) -> str:
    """责任者: the red header (…文件), the signature above the date, or a 单位： field."""
    for line in lines[:3]:
        m = _RED_HEADER.match(line.replace(" ", ""))
        if m:
            return m[1]
    if date_index >= 0:
        candidates = [lines[date_index]]
        if date_index > 0:
            candidates.insert(0, lines[date_index - 1])
        for line in candidates:
            for start, _end, _date in find_dates(line)[:1]:
                line = line[:start]
            name = line.strip().replace(" ", "")
            if 2 <= len(name) <= 30 and ORG_SUFFIX.search(name) and re.fullmatch(
                    rf"[{_CJK}（）()·]+", name):
                return name
    for line in lines[:10]:
        m = _UNIT_FIELD.match(line.replace(" ", ""))
        if m:
            return m[1]
    return ""


def _title_candidate(line: str, number: str) -> bool:
    if not 4 <= len(line) <= 80 or not re.search(f"[{_CJK}]", line) or "\t" in line:
        return False  # a table row (cells separated by tabs) is not a title
    if DOC_NUMBER.search(line) or find_dates(line) and len(line) < 20:
        return False
    if _RED_HEADER.match(line.replace(" ", "")) or _MARKING.match(line):
        return False
    if len(line) <= 15 and ORG_SUFFIX.search(line):  # a signature, not a title
        return False
    return not line.startswith("工作表：") and line[-1] not in "。，；：:,;"


def title(lines: list[str], heading: str, number: str) -> str:
    """题名: the heading the layout shows, else a title-shaped line near the top."""
    heading = heading.strip()
    if heading and _title_candidate(heading, number):
        return heading
    head = [line for line in lines[:8] if _title_candidate(line, number)]
    for line in head:
        if _TITLE_SHAPE.search(line):
            return line
    short = [line for line in head if len(line) <= 40]
    return short[0] if short else ""


def propose(text: str, heading: str = "") -> dict[str, str]:
    """Proposed {"title", "doc_number", "doc_date" (ISO), "author"}; absent keys: not found."""
    lines = [line.strip() for line in text.replace("\f", "\n").split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        return {}
    out: dict[str, str] = {}
    number = doc_number(lines)
    if number:
        out["doc_number"] = number
    date, date_index = doc_date(lines)
    if date is not None:
        out["doc_date"] = date.isoformat()
    who = author(lines, date_index)
    if who:
        out["author"] = who
    name = title(lines, heading, number)
    if name:
        out["title"] = name
    return out


def apply_proposals(session: Session, file_id: int, proposed: dict[str, Any]) -> list[int]:
    """Fill the empty fields of the live documents holding ``file_id``; returns their ids.

    A title equal to the file name's stem is the importer's placeholder, not the clerk's
    typing, and is replaced. Each change is audited with the actor 自动提取.
    """
    return apply_many_proposals(session, [(file_id, proposed)])


def apply_many_proposals(session: Session, items: list[tuple[int, dict[str, Any]]]) -> list[int]:
    """``apply_proposals`` for a batch of files: one query for their documents, one statement
    per set of changed fields and one for the audit entries (the extraction run stores a
    hundred files at a time; a statement per document cost a millisecond each)."""
    wanted = {file_id: proposed for file_id, proposed in items if proposed}
    if not wanted:
        return []
    rows = session.execute(
        select(Document.id, Document.file_id, Document.title, Document.doc_number,
               Document.doc_date, Document.author, Document.source_path)
        .where(Document.file_id.in_(list(wanted)), Document.deleted_at.is_(None))
        .order_by(Document.id)
    ).all()
    changed: list[int] = []
    updates: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    audits: list[dict[str, Any]] = []
    now = utcnow()
    for doc_id, file_id, cur_title, cur_number, cur_date, cur_author, source in rows:
        proposed = wanted[file_id]
        stem = PurePath(source.replace("\\", "/")).stem if source else ""
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        if proposed.get("title") and (not cur_title or cur_title == stem):
            before["title"], after["title"] = cur_title, proposed["title"][:500]
        if proposed.get("doc_number") and not cur_number:
            before["doc_number"], after["doc_number"] = cur_number, proposed["doc_number"][:100]
        if proposed.get("doc_date") and cur_date is None:
            before["doc_date"], after["doc_date"] = None, dt.date.fromisoformat(
                proposed["doc_date"])
        if proposed.get("author") and not cur_author:
            before["author"], after["author"] = cur_author, proposed["author"][:200]
        if not after:
            continue
        updates.setdefault(tuple(sorted(after)), []).append(
            {"doc": doc_id, **{f"new_{k}": v for k, v in after.items()}})
        audits.append({
            "at": now, "actor": ACTOR, "action": "propose", "entity": "document",
            "entity_id": doc_id, "before": {k: jsonable(v) for k, v in before.items()},
            "after": {k: jsonable(v) for k, v in after.items()},
        })
        changed.append(doc_id)
    table = Document.__table__
    for keys, params in updates.items():
        stmt = (update(table).where(table.c.id == bindparam("doc"))
                .values({k: bindparam(f"new_{k}", type_=table.c[k].type) for k in keys}))
        session.connection().execute(stmt, params)
    if audits:
        session.execute(insert(AuditEntry), audits)
    return changed

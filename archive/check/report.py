"""The check of a period (查漏补缺): completeness, quality findings, each unit's to-do list and the
score preview, in one ``CheckReport`` whose ``as_json()`` is what the command line prints and the
Excel and Word writers read.

Who must act on what: a standard's gaps go to every unit assigned to it (牵头, 责任, 配合); a
finding goes to the unit the document belongs to, or, for a document without a unit, to the lead
units of the standards it is filed under.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.check.completeness import (
    COMPLETE,
    MISSING,
    PARTIAL,
    STATUS_LABELS,
    StandardResult,
    evaluate_standards,
)
from archive.check.ledger import (
    DocFacts,
    Ledger,
    load_acceptances,
    load_docs,
    load_framework,
    load_ledger,
    load_prior,
    load_units,
)
from archive.check.quality import FINDING_KINDS, Finding, classified_level, detect
from archive.check.score import percent, period_stage, score_preview, stage_targets
from archive.errors import NotFoundError
from archive.library import Library
from archive.models import ROLE_LEAD, ROLE_RESPONSIBLE, ROLES, Document, DocumentStandard, Period
from archive.progress import CancelToken, ProgressCallback, ProgressEvent, no_progress

_COUNTERS = {"photo": "张", "video": "段"}


def lacking_text(result: StandardResult) -> str:
    """What a standard still lacks, in words a unit can act on ("" when it is complete)."""
    if result.status == COMPLETE:
        return ""
    parts = [
        f"{r.label}（需 {r.min_count} {_COUNTERS.get(r.kind, '份')}，已有 {r.found}）"
        for r in result.lacking
    ]
    if not result.requirements and result.status == MISSING:
        parts.append("尚无任何佐证资料")
    if result.unusable:
        parts.append(f"已报送的 {len(result.unusable)} 件不能作为佐证（空文件、损坏、加密、往年资料"
                     "或日期不在年度内，见质量问题），需重新提供")
    return "；".join(parts)


@dataclass
class UnitItem:
    """One standard a unit is assigned to, with what it lacks."""

    standard: StandardResult
    role: str

    def as_json(self) -> dict[str, Any]:
        s = self.standard
        return {
            "code": s.code, "title": s.title, "role": self.role, "status": s.status,
            "status_label": s.status_label,
            "missing": [{"label": r.label, "min_count": r.min_count, "found": r.found}
                        for r in s.lacking],
            "missing_text": lacking_text(s),
        }


@dataclass
class UnitTodo:
    id: int
    name: str
    short_name: str
    contact: str
    phone: str
    items: list[UnitItem] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def open_items(self) -> list[UnitItem]:
        return [i for i in self.items if i.standard.status != COMPLETE]

    @property
    def open_findings(self) -> list[Finding]:
        return [f for f in self.findings if not f.accepted]

    @property
    def has_todo(self) -> bool:
        return bool(self.open_items or self.open_findings)

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "short_name": self.short_name, "contact": self.contact,
            "phone": self.phone,
            "standards": [i.as_json() for i in self.items],
            "open_standards": len(self.open_items),
            "findings": [f.as_json() for f in self.findings],
            "open_findings": len(self.open_findings),
        }


@dataclass
class CheckReport:
    period: str
    start: dt.date
    end: dt.date
    unit: str | None
    standards: list[StandardResult]
    paths: dict[int, list[str]]  # standard id → titles of its ancestors
    units_of: dict[int, dict[str, list[str]]]  # standard id → role → unit names
    findings: list[Finding]
    units: list[UnitTodo]
    score: dict[str, Any]
    summary: dict[str, Any]
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(
        microsecond=0))

    @property
    def open_findings(self) -> list[Finding]:
        return [f for f in self.findings if not f.accepted]

    def standard_json(self, s: StandardResult) -> dict[str, Any]:
        roles = self.units_of.get(s.id, {})
        return {
            "code": s.code, "title": s.title, "path": self.paths.get(s.id, []),
            "score": s.score, "status": s.status, "status_label": s.status_label,
            "documents": len(s.documents), "unusable": len(s.unusable),
            "lead_units": roles.get(ROLE_LEAD, []),
            "units": [u for role in ROLES if role != ROLE_LEAD for u in roles.get(role, [])],
            "requirements": [r.as_json() for r in s.requirements],
            "lacking_text": lacking_text(s),
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "unit": self.unit,
            "generated_at": self.generated_at.isoformat(sep=" "),
            "summary": self.summary,
            "standards": [self.standard_json(s) for s in self.standards],
            "findings": [f.as_json() for f in self.findings],
            "units": [u.as_json() for u in self.units],
            "score": self.score,
        }


# -- building the report ---------------------------------------------------------------------
def _paths(ledger: Ledger) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for std in ledger.standards:
        path: list[str] = []
        node = ledger.indicators.get(std.parent_id) if std.parent_id else None
        while node is not None:
            path.insert(0, node.title)
            node = ledger.indicators.get(node.parent_id) if node.parent_id else None
        out[std.id] = path
    return out


def _assignees(ledger: Ledger) -> dict[int, dict[str, list[int]]]:
    roles: dict[int, dict[str, list[int]]] = {}
    for sid, uid, role in ledger.assignments:
        ids = roles.setdefault(sid, {}).setdefault(role, [])
        if uid not in ids:
            ids.append(uid)
    return roles


def _owners(doc: DocFacts, roles: dict[int, dict[str, list[int]]]) -> list[int]:
    """Who must fix a document: its unit, else the lead (or responsible) units of its standards."""
    if doc.unit_id is not None:
        return [doc.unit_id]
    owners: list[int] = []
    for sid in doc.standards:
        std_roles = roles.get(sid, {})
        for uid in std_roles.get(ROLE_LEAD) or std_roles.get(ROLE_RESPONSIBLE) or []:
            if uid not in owners:
                owners.append(uid)
    return owners


def _summary(standards: list[StandardResult], findings: list[Finding], docs: list[DocFacts],
             units: list[UnitTodo]) -> dict[str, Any]:
    by_kind = dict.fromkeys(FINDING_KINDS, 0)
    accepted = 0
    for f in findings:
        if f.accepted:
            accepted += 1
        else:
            by_kind[f.kind] += 1
    complete = sum(s.status == COMPLETE for s in standards)
    return {
        "standards": len(standards),
        "complete": complete,
        "partial": sum(s.status == PARTIAL for s in standards),
        "missing": sum(s.status == MISSING for s in standards),
        "complete_ratio": complete / len(standards) if standards else 0.0,
        "documents": len(docs),
        "findings": sum(by_kind.values()),
        "accepted": accepted,
        "by_kind": by_kind,
        "pending": sum(d.status == "pending" for d in docs),
        "units": len(units),
        "units_with_todo": sum(u.has_todo for u in units),
    }


def _unit_todos(ledger: Ledger, results: dict[int, StandardResult], findings: list[Finding],
                roles: dict[int, dict[str, list[int]]], unit_id: int | None
                ) -> dict[int, UnitTodo]:
    """Every unit (or just ``unit_id``) with its standards in tree order and its findings."""
    todos = {uid: UnitTodo(uid, u.name, u.short_name, u.contact, u.phone)
             for uid, u in ledger.units.items() if unit_id is None or uid == unit_id}
    for sid, std_roles in roles.items():
        for role in ROLES:  # a unit named twice for one standard keeps its strongest role
            for uid in std_roles.get(role, []):
                todo = todos.get(uid)
                if todo is not None and all(i.standard.id != sid for i in todo.items):
                    todo.items.append(UnitItem(results[sid], role))
    order = {sid: i for i, sid in enumerate(results)}
    for todo in todos.values():
        todo.items.sort(key=lambda i: order[i.standard.id])
    for f in findings:
        for uid in _owners(ledger.docs[f.document_id], roles):
            if uid in todos:
                todos[uid].findings.append(f)
    return todos


def _run(session: Session, period: str, unit: str | None, progress: ProgressCallback,
         cancel: CancelToken | None) -> CheckReport:
    steps = 5

    def step(done: int, message: str) -> None:
        if cancel is not None:
            cancel.raise_if_cancelled()
        progress(ProgressEvent(done, steps, message, unit="steps"))

    step(0, "读取台账")
    unit_id: int | None = None
    if unit is not None:
        from archive.documents import unit_by_name

        unit_row = unit_by_name(session, unit)
        unit_id, unit = unit_row.id, unit_row.name
    ledger = load_ledger(session, period)
    step(1, "核对资料是否齐全")
    results = evaluate_standards(ledger)
    step(2, "检查资料质量")
    findings = detect(ledger, ledger.docs.values())
    step(3, "生成各单位督办清单")
    roles = _assignees(ledger)
    todos = _unit_todos(ledger, results, findings, roles, unit_id)
    units = [t for t in todos.values() if t.items or t.findings]
    if unit_id is None:
        standards = list(results.values())
        scope_docs = list(ledger.docs.values())
    else:
        todo = todos[unit_id]
        mine = {i.standard.id for i in todo.items}
        standards = [r for r in results.values() if r.id in mine]
        findings = todo.findings
        units = [todo]
        scope_docs = [d for d in ledger.docs.values()
                      if d.unit_id == unit_id or (d.unit_id is None and mine & set(d.standards))]
    step(4, "计算得分预估")
    score = score_preview(ledger, results, stage_targets(session),
                          period_stage(session, ledger.period), [s.id for s in standards])
    names = {uid: u.name for uid, u in ledger.units.items()}
    units_of = {sid: {role: [names[u] for u in uids] for role, uids in std_roles.items()}
                for sid, std_roles in roles.items()}
    report = CheckReport(
        period=ledger.period, start=ledger.start, end=ledger.end, unit=unit,
        standards=standards, paths=_paths(ledger), units_of=units_of, findings=findings,
        units=units, score=score, summary=_summary(standards, findings, scope_docs, units),
    )
    step(5, "完成")
    return report


def run_check(target: Library | Session, period: str, unit: str | None = None,
              progress: ProgressCallback = no_progress,
              cancel: CancelToken | None = None) -> CheckReport:
    """Check ``period`` (all units, or the standards and documents of ``unit``); read only."""
    if isinstance(target, Session):
        return _run(target, str(period), unit, progress, cancel)
    with target.session() as s:
        return _run(s, str(period), unit, progress, cancel)


# -- narrower questions the GUI and the export ask -------------------------------------------
def findings_for_document(session: Session, document_id: int) -> list[Finding]:
    """The findings of one document (for the document panel): reads its period's neighbours
    under the same standards, not the whole ledger."""
    row = session.execute(
        select(Document.period_id, Document.deleted_at, Period.label, Period.start, Period.end)
        .join(Period, Period.id == Document.period_id)
        .where(Document.id == document_id)
    ).first()
    if row is None:
        raise NotFoundError(f"没有编号为 {document_id} 的文件记录。")
    period_id, deleted_at, label, start, end = row
    if deleted_at is not None:
        return []
    shared = select(DocumentStandard.indicator_id).where(
        DocumentStandard.document_id == document_id)
    peer_ids = set(session.scalars(
        select(DocumentStandard.document_id).where(DocumentStandard.indicator_id.in_(shared))
    ))
    peer_ids.add(document_id)
    docs = load_docs(session, period_id, True, peer_ids)
    indicators, requirements = load_framework(session)
    units, assignments = load_units(session, ())
    ledger = Ledger(
        period_id=period_id, period=label, start=start, end=end, indicators=indicators,
        requirements=requirements, units=units, assignments=assignments, docs=docs,
        explicit={}, prior=load_prior(session, period_id, start, [document_id]),
        accepted=load_acceptances(session),
    )
    target = docs.get(document_id)
    return detect(ledger, [target], peers=docs.values()) if target is not None else []


def classified_document_ids(target: Library | Session, period: str) -> set[int]:
    """Documents of ``period`` the check flags ``classified`` (a 密级 registered, or a marking
    in the name or the first lines). The export withholds those the clerk has not released;
    accepting the finding does not release a document, only ``released`` does."""
    if not isinstance(target, Session):
        with target.session() as s:
            return classified_document_ids(s, period)
    from archive.periods import get_period

    p = get_period(target, str(period))
    return {doc.id for doc in load_docs(target, p.id, True).values()
            if classified_level(doc) is not None}


def status_summary_text(report: CheckReport) -> str:
    s = report.summary
    return (f"{report.period} 年度{('（' + report.unit + '）') if report.unit else ''}："
            f"测评标准 {s['standards']} 条，{STATUS_LABELS[COMPLETE]} {s['complete']}，"
            f"{STATUS_LABELS[PARTIAL]} {s['partial']}，{STATUS_LABELS[MISSING]} {s['missing']}"
            f"（齐全率 {percent(s['complete_ratio'])}）；文件 {s['documents']} 件，"
            f"待处理问题 {s['findings']} 个，已接受 {s['accepted']} 个。"
            + (f"\n注意：{s['pending']} 个文件尚未提取文字，涉密标志、无文字层、损坏、拍摄日期等检查"
               "要在提取文字（index）之后才完整。" if s["pending"] else ""))


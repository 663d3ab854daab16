"""Importing a framework workbook: create the framework, or update the current one in place.

Next year's workbook renumbers, rewords, adds and drops standards, while the library already has
a year of evidence filed under the old ones. Evidence links (``DocumentStandard``), conclusions and
requirement links point at indicator ids, so an update keeps the ids of the indicators it
recognises — matched by code and title, then by title alone, then by code with a similar title,
then by a clearly similar title — and rewrites their fields. Indicators the new workbook no longer
has are deleted only after each of their evidence links has been removed with an audit entry;
documents left without any standard are listed as *unassigned*. Nothing goes silently.

``plan`` (pure reading) and ``apply`` (writing) are separate so the desktop wizard can show the
report of a dry run before the clerk confirms.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from archive import audit
from archive.errors import CivLedgerError
from archive.framework_io.reader import ParsedFramework, iter_specs, settle_codes
from archive.frameworks import (
    IndicatorSpec,
    PlacedSpec,
    create_framework,
    current_framework,
    ensure_units,
    place_specs,
)
from archive.library import Library
from archive.models import (
    Assignment,
    Conclusion,
    Document,
    DocumentRequirement,
    DocumentStandard,
    Framework,
    Indicator,
    Period,
    Requirement,
    Unit,
)
from archive.progress import CancelToken, ProgressCallback, ProgressEvent, no_progress

_PUNCT = re.compile(r"[\s　、，,。.．：:；;“”\"'‘’（）()【】\[\]《》<>_\-—]+")
SIMILAR_WITH_CODE = 0.5
SIMILAR_ALONE = 0.75
# Fields compared and reported for a matched indicator.
TRACKED = ("code", "title", "parent", "level_name", "score", "method", "requirement_text",
           "units", "requirements")


def _norm(title: str) -> str:
    return _PUNCT.sub("", title)


@dataclass
class FrameworkImportReport:
    """What an import did (or, for a dry run, would do)."""

    framework: str
    framework_id: int | None
    created: bool
    standards: int
    indicators: int
    units: int
    new_units: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    added: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0
    unassigned_documents: list[dict[str, Any]] = field(default_factory=list)
    unlinked_documents: list[dict[str, Any]] = field(default_factory=list)
    dry_run: bool = False
    # Fewer than half of the current standards found again while evidence would be unassigned:
    # applying it needs ``force`` (the wizard shows this before asking).
    needs_force: bool = False

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "framework": self.framework, "framework_id": self.framework_id,
            "created": self.created, "dry_run": self.dry_run, "needs_force": self.needs_force,
            "standards": self.standards,
            "indicators": self.indicators, "units": self.units, "new_units": self.new_units,
            "warnings": self.warnings,
        }
        if not self.created:
            data["update"] = {
                "added": self.added, "removed": self.removed, "changed": self.changed,
                "unchanged": self.unchanged,
                "unassigned_documents": self.unassigned_documents,
                "unlinked_documents": self.unlinked_documents,
            }
        return data

    def summary(self) -> str:
        """Plain Chinese lines for the command line and the wizard's last page."""
        verb = "将" if self.dry_run else "已"
        if self.created:
            lines = [f"{verb}导入测评体系“{self.framework}”：{self.standards} 条测评标准，"
                     f"{self.indicators} 个指标，{self.units} 个责任单位"
                     + (f"（新建单位 {len(self.new_units)} 个）" if self.new_units else "") + "。"]
        else:
            lines = [f"{verb}更新测评体系“{self.framework}”：现有 {self.standards} 条测评标准；"
                     f"新增 {len(self.added)}，删除 {len(self.removed)}，修改 {len(self.changed)}，"
                     f"未变 {self.unchanged}。"]
            for title, rows in (("新增", self.added), ("删除", self.removed)):
                for r in rows[:30]:
                    extra = f"（原有佐证 {r['documents']} 件）" if r.get("documents") else ""
                    lines.append(f"  {title} {r['code']} {r['title'][:40]}{extra}")
                if len(rows) > 30:
                    lines.append(f"  …… 共 {len(rows)} 条")
            for r in self.changed[:30]:
                lines.append(f"  修改 {r['code']} {r['title'][:30]}：{'、'.join(r['fields'])}")
            if len(self.changed) > 30:
                lines.append(f"  …… 共 {len(self.changed)} 条")
            if self.unassigned_documents:
                lines.append(f"因标准被删除而变为未归类的佐证资料 {len(self.unassigned_documents)} 件：")
                lines += [f"  [{d['id']}] {d['period']} {d['title'][:40]}（原归于 "
                          f"{d['former_code']} {d['former_title'][:20]}）"
                          for d in self.unassigned_documents[:50]]
        if self.needs_force:
            lines.append("注意：新表格与现有测评体系差别很大，导入时需确认（命令行加 --force）。")
        if self.warnings:
            lines.append(f"提示 {len(self.warnings)} 条：")
            lines += [f"  {w}" for w in self.warnings[:50]]
        return "\n".join(lines)


# -- reading what is there ---------------------------------------------------------------------

@dataclass
class _Old:
    row: Indicator
    path: tuple[str, ...]
    units: list[tuple[str, str]]
    requirements: list[Requirement]


@dataclass
class _Plan:
    framework: Framework
    old: dict[int, _Old]
    placed: list[PlacedSpec]
    match: dict[int, int]  # id(spec) → old indicator id
    removed: list[int]
    report: FrameworkImportReport
    old_codes: dict[int, str] = field(default_factory=dict)  # before codes were parked


def _paths(rows: list[Indicator]) -> dict[int, tuple[str, ...]]:
    by_id = {r.id: r for r in rows}
    out: dict[int, tuple[str, ...]] = {}

    def path(r: Indicator) -> tuple[str, ...]:
        if r.id in out:
            return out[r.id]
        parent = by_id.get(r.parent_id) if r.parent_id else None
        result = (path(parent) if parent else ()) + (r.title,)
        out[r.id] = result
        return result

    for r in rows:
        path(r)
    return out


def _load_old(session: Session, fw_id: int) -> dict[int, _Old]:
    rows = list(session.scalars(
        select(Indicator).where(Indicator.framework_id == fw_id).order_by(Indicator.position)))
    paths = _paths(rows)
    units: dict[int, list[tuple[str, str]]] = {}
    for ind_id, uname, role in session.execute(
        select(Assignment.indicator_id, Unit.name, Assignment.role)
        .join(Unit, Unit.id == Assignment.unit_id)
        .join(Indicator, Indicator.id == Assignment.indicator_id)
        .where(Indicator.framework_id == fw_id).order_by(Assignment.id)
    ):
        units.setdefault(ind_id, []).append((uname, role))
    reqs: dict[int, list[Requirement]] = {}
    for req in session.scalars(
        select(Requirement).join(Indicator, Indicator.id == Requirement.indicator_id)
        .where(Indicator.framework_id == fw_id).order_by(Requirement.position)
    ):
        reqs.setdefault(req.indicator_id, []).append(req)
    return {r.id: _Old(r, paths[r.id], units.get(r.id, []), reqs.get(r.id, [])) for r in rows}


# -- matching ----------------------------------------------------------------------------------

def _match(olds: list[_Old], news: list[PlacedSpec], paths: dict[int, tuple[str, ...]]
           ) -> dict[int, int]:
    """Pair new specs with old indicators of the same kind (standard or not)."""
    pairs: dict[int, int] = {}
    free_old = {o.row.id: o for o in olds}
    free_new = {id(p.spec): p for p in news}

    def take(key_new: int, old_id: int) -> None:
        pairs[key_new] = old_id
        free_new.pop(key_new, None)
        free_old.pop(old_id, None)

    # 1. same code and same title
    by_code_title = {(o.row.code, _norm(o.row.title)): o.row.id for o in olds}
    for key, p in list(free_new.items()):
        oid = by_code_title.get((p.spec.code, _norm(p.spec.title)))
        if oid is not None and oid in free_old:
            take(key, oid)
    # 2. same title (several of one title: the one with the same path first, then in order)
    by_title: dict[str, list[int]] = {}
    for oid, o in free_old.items():
        by_title.setdefault(_norm(o.row.title), []).append(oid)
    for key, p in list(free_new.items()):
        cands = [oid for oid in by_title.get(_norm(p.spec.title), []) if oid in free_old]
        if not cands:
            continue
        same_path = [oid for oid in cands if free_old[oid].path == paths.get(key)]
        take(key, (same_path or cands)[0])
    # 3. same code, similar title
    by_code = {o.row.code: oid for oid, o in free_old.items()}
    for key, p in list(free_new.items()):
        oid = by_code.get(p.spec.code)
        if oid is not None and oid in free_old and _similar(
                free_old[oid].row.title, p.spec.title) >= SIMILAR_WITH_CODE:
            take(key, oid)
    # 4. clearly similar titles, best pairs first
    if free_new and free_old and len(free_new) * len(free_old) <= 250_000:
        scored: list[tuple[float, int, int]] = []
        for key, p in free_new.items():
            for oid, o in free_old.items():
                s = _similar(o.row.title, p.spec.title)
                if s >= SIMILAR_ALONE:
                    scored.append((s, key, oid))
        for _s, key, oid in sorted(scored, key=lambda t: -t[0]):
            if key in free_new and oid in free_old:
                take(key, oid)
    return pairs


def _similar(a: str, b: str) -> float:
    na, nb = _norm(a), _norm(b)
    if not na or not nb:
        return 0.0
    m = difflib.SequenceMatcher(None, na, nb, autojunk=False)
    if m.real_quick_ratio() < SIMILAR_WITH_CODE:
        return 0.0
    return m.ratio()


# -- planning ---------------------------------------------------------------------------------

def _req_tuple(items: list[Any]) -> list[tuple[str, str, int]]:
    return [(r.label, r.kind, r.min_count) for r in items]


def _plan(session: Session, fw: Framework, parsed: ParsedFramework,
          name: str | None) -> _Plan:
    old = _load_old(session, fw.id)
    placed = place_specs(parsed.roots)
    spec_paths: dict[int, tuple[str, ...]] = {}
    for p in placed:
        parent_path = spec_paths.get(id(p.parent), ()) if p.parent is not None else ()
        spec_paths[id(p.spec)] = parent_path + (p.spec.title,)
    olds = list(old.values())
    match = _match([o for o in olds if o.row.is_standard], [p for p in placed if p.is_standard],
                   spec_paths)
    match.update(_match([o for o in olds if not o.row.is_standard],
                        [p for p in placed if not p.is_standard], spec_paths))
    matched_old = set(match.values())
    removed = [oid for oid in old if oid not in matched_old]
    report = FrameworkImportReport(
        framework=name or fw.name, framework_id=fw.id, created=False,
        standards=sum(1 for p in placed if p.is_standard), indicators=len(placed),
        units=len(parsed.unit_names), warnings=list(parsed.warnings))
    existing_units = set(session.scalars(select(Unit.name)))
    report.new_units = [u for u in parsed.unit_names if u not in existing_units]
    old_code_of = {oid: o.row.code for oid, o in old.items()}
    for p in placed:
        oid = match.get(id(p.spec))
        entry = {"code": p.spec.code, "title": p.spec.title, "level_name": p.level_name,
                 "standard": p.is_standard}
        if oid is None:
            report.added.append(entry)
            continue
        o = old[oid]
        before = {
            "code": o.row.code, "title": o.row.title, "parent": old_code_of.get(o.row.parent_id)
            if o.row.parent_id else None, "level_name": o.row.level_name, "score": o.row.score,
            "method": o.row.method, "requirement_text": o.row.requirement_text,
            "units": o.units, "requirements": _req_tuple(o.requirements),
        }
        after = {
            "code": p.spec.code, "title": p.spec.title,
            "parent": p.parent.code if p.parent is not None else None,
            "level_name": p.level_name, "score": p.spec.score, "method": p.spec.method,
            "requirement_text": p.spec.requirement_text,
            "units": p.spec.unit_roles(), "requirements": _req_tuple(p.spec.requirement_specs()),
        }
        # A moved parent shows as a changed parent code only if the parent itself changed.
        parent_old = old.get(o.row.parent_id) if o.row.parent_id else None
        new_parent_old_id = match.get(id(p.parent)) if p.parent is not None else None
        same_parent = (parent_old.row.id if parent_old else None) == new_parent_old_id
        changes = {k: {"before": _plain(before[k]), "after": _plain(after[k])} for k in TRACKED
                   if before[k] != after[k] and not (k == "parent" and same_parent)}
        if changes:
            report.changed.append({**entry, "old_code": o.row.code, "id": oid,
                                   "fields": list(changes), "changes": changes})
        else:
            report.unchanged += 1
    for oid in removed:
        o = old[oid]
        report.removed.append({"code": o.row.code, "title": o.row.title, "id": oid,
                               "level_name": o.row.level_name, "standard": o.row.is_standard,
                               "documents": 0})
    _plan_documents(session, old, removed, report)
    return _Plan(fw, old, placed, match, removed, report, old_code_of)


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [list(v) if isinstance(v, tuple) else v for v in value]
    return value


def _plan_documents(session: Session, old: dict[int, _Old], removed: list[int],
                    report: FrameworkImportReport) -> None:
    """Documents filed under removed standards: those left with no standard are unassigned."""
    removed_set = set(removed)
    if not removed_set:
        return
    links: dict[int, list[int]] = {}
    for chunk in _chunks(removed, 500):
        for doc_id, ind_id in session.execute(
            select(DocumentStandard.document_id, DocumentStandard.indicator_id)
            .where(DocumentStandard.indicator_id.in_(chunk))
        ):
            links.setdefault(doc_id, []).append(ind_id)
    if not links:
        return
    counts: dict[int, int] = {}
    for ind_ids in links.values():
        for i in ind_ids:
            counts[i] = counts.get(i, 0) + 1
    for entry in report.removed:
        entry["documents"] = counts.get(entry["id"], 0)
    others: dict[int, int] = {}
    docs: dict[int, Any] = {}
    for chunk in _chunks(list(links), 500):
        for doc_id, ind_id in session.execute(
            select(DocumentStandard.document_id, DocumentStandard.indicator_id)
            .where(DocumentStandard.document_id.in_(chunk))
        ):
            if ind_id not in removed_set:
                others[doc_id] = others.get(doc_id, 0) + 1
        for row in session.execute(
            select(Document.id, Document.title, Document.deleted_at, Period.label)
            .join(Period, Period.id == Document.period_id).where(Document.id.in_(chunk))
        ):
            docs[row.id] = row
    for doc_id in sorted(links):
        row = docs.get(doc_id)
        if row is None:
            continue
        former = old[links[doc_id][0]].row
        entry = {"id": doc_id, "title": row.title, "period": row.label,
                 "former_code": former.code, "former_title": former.title,
                 "in_trash": row.deleted_at is not None}
        if others.get(doc_id):
            report.unlinked_documents.append(entry)
        else:
            report.unassigned_documents.append(entry)


def _chunks(items: list[int], n: int) -> list[list[int]]:
    return [items[i:i + n] for i in range(0, len(items), n)]


# -- applying ---------------------------------------------------------------------------------

def _apply(session: Session, plan: _Plan, parsed: ParsedFramework, name: str | None,
           progress: ProgressCallback, cancel: CancelToken | None) -> None:
    fw = plan.framework
    report = plan.report
    total = len(plan.placed) + len(plan.removed)
    progress(ProgressEvent(0, total, "更新测评体系", "indicators"))
    # Codes are unique per framework: park the old ones so that codes can move between rows.
    for o in plan.old.values():
        o.row.code = f"~{o.row.id}"
    session.flush()
    unit_ids, _ = ensure_units(session, [u for p in plan.placed for u, _ in p.spec.unit_roles()])
    ids: dict[int, int] = {}  # id(spec) → indicator id
    max_depth = max((p.depth for p in plan.placed), default=-1)
    changed_ids = {c["id"]: c for c in report.changed}
    done = 0
    for depth in range(max_depth + 1):
        if cancel is not None:
            cancel.raise_if_cancelled()
        new_rows: list[tuple[PlacedSpec, Indicator]] = []
        for p in (p for p in plan.placed if p.depth == depth):
            parent_id = ids[id(p.parent)] if p.parent is not None else None
            values = dict(parent_id=parent_id, code=p.spec.code, title=p.spec.title,
                          level=p.depth, level_name=p.level_name, seq=p.seq, score=p.spec.score,
                          method=p.spec.method, requirement_text=p.spec.requirement_text,
                          position=p.position, is_standard=p.is_standard)
            oid = plan.match.get(id(p.spec))
            if oid is None:
                ind = Indicator(framework_id=fw.id, **values)
                session.add(ind)
                new_rows.append((p, ind))
                continue
            row = plan.old[oid].row
            for key, value in values.items():
                setattr(row, key, value)
            ids[id(p.spec)] = oid
            if oid in changed_ids:
                c = changed_ids[oid]
                audit.record(session, "update", "indicator", oid,
                             {k: v["before"] for k, v in c["changes"].items()},
                             {k: v["after"] for k, v in c["changes"].items()})
        session.flush()
        for p, ind in new_rows:
            ids[id(p.spec)] = ind.id
            audit.record(session, "create", "indicator", ind.id, None,
                         {"code": ind.code, "title": ind.title, "level_name": ind.level_name})
        done += sum(1 for p in plan.placed if p.depth == depth)
        progress(ProgressEvent(done, total, "更新测评体系", "indicators"))
    # Requirements and assignments of every indicator now in the tree.
    for p in plan.placed:
        ind_id = ids[id(p.spec)]
        old = plan.old.get(plan.match.get(id(p.spec), -1))
        _sync_requirements(session, ind_id, p.spec, old.requirements if old else [])
        _sync_units(session, ind_id, p.spec, old.units if old else [], unit_ids)
    session.flush()
    _remove(session, plan)
    before = {"name": fw.name, "version": fw.version, "source_path": fw.source_path}
    if name:
        fw.name = name
    if parsed.version:
        fw.version = parsed.version
    fw.source_path = str(parsed.path)
    audit.record(session, "update", "framework", fw.id, before,
                 {"name": fw.name, "version": fw.version, "source_path": fw.source_path,
                  "added": len(report.added), "removed": len(report.removed),
                  "changed": len(report.changed)})
    session.flush()
    progress(ProgressEvent(total, total, "测评体系已更新", "indicators"))


def _sync_requirements(session: Session, ind_id: int, spec: IndicatorSpec,
                       old: list[Requirement]) -> None:
    """Keep requirement rows whose label stays (explicit document links point at them)."""
    new = spec.requirement_specs()
    by_label = {r.label: r for r in old}
    keep: set[int] = set()
    for i, r in enumerate(new):
        row = by_label.pop(r.label, None)
        if row is None:
            session.add(Requirement(indicator_id=ind_id, label=r.label, kind=r.kind,
                                    min_count=r.min_count, position=i))
            continue
        keep.add(row.id)
        row.kind, row.min_count, row.position = r.kind, r.min_count, i
    gone = [r for r in old if r.id not in keep]
    if not gone:
        return
    linked: dict[int, list[int]] = {}
    for req_id, doc_id in session.execute(
        select(DocumentRequirement.requirement_id, DocumentRequirement.document_id)
        .where(DocumentRequirement.requirement_id.in_([r.id for r in gone]))
    ):
        linked.setdefault(req_id, []).append(doc_id)
    for r in gone:
        for doc_id in linked.get(r.id, []):
            audit.record(session, "unlink", "document", doc_id,
                         {"requirement": r.label, "reason": "测评体系更新后该资料要求已删除"}, None)
        session.delete(r)


def _sync_units(session: Session, ind_id: int, spec: IndicatorSpec,
                old: list[tuple[str, str]], unit_ids: dict[str, int]) -> None:
    new = spec.unit_roles()
    if new == old:
        return
    session.execute(delete(Assignment).where(Assignment.indicator_id == ind_id))
    session.add_all(Assignment(indicator_id=ind_id, unit_id=unit_ids[u], role=role)
                    for u, role in new)


def _remove(session: Session, plan: _Plan) -> None:
    """Delete indicators the workbook no longer has, after unlinking their evidence (audited)."""
    removed = set(plan.removed)
    if not removed:
        return
    for chunk in _chunks(sorted(removed), 500):
        for link_id, doc_id, ind_id in session.execute(
            select(DocumentStandard.id, DocumentStandard.document_id,
                   DocumentStandard.indicator_id).where(DocumentStandard.indicator_id.in_(chunk))
        ):
            audit.record(session, "unlink", "document", doc_id,
                         {"standard": plan.old[ind_id].row.title,
                          "standard_code": _old_code(plan, ind_id),
                          "reason": "测评体系更新后该测评标准已删除"}, None)
            session.execute(delete(DocumentStandard).where(DocumentStandard.id == link_id))
        for c_id, ind_id, period_id, text in session.execute(
            select(Conclusion.id, Conclusion.indicator_id, Conclusion.period_id, Conclusion.text)
            .where(Conclusion.indicator_id.in_(chunk))
        ):
            audit.record(session, "delete", "conclusion", c_id,
                         {"standard_code": _old_code(plan, ind_id), "period_id": period_id,
                          "text": text}, None)
    # Children first, so no row is removed by a cascade without its own audit entry.
    for oid in sorted(removed, key=lambda i: -plan.old[i].row.level):
        row = plan.old[oid].row
        audit.record(session, "delete", "indicator", oid,
                     {"code": _old_code(plan, oid), "title": row.title,
                      "level_name": row.level_name, "units": plan.old[oid].units,
                      "requirements": _req_tuple(plan.old[oid].requirements)}, None)
    for chunk in _chunks(sorted(removed, key=lambda i: -plan.old[i].row.level), 500):
        session.execute(delete(Indicator).where(Indicator.id.in_(chunk)))
    session.expire_all()


def _old_code(plan: _Plan, oid: int) -> str:
    return plan.old_codes.get(oid, "")


# -- the entry point --------------------------------------------------------------------------

class UpdateRefused(CivLedgerError):
    """The workbook looks like a different framework, and evidence would lose its standards."""

    def __init__(self, message: str, report: FrameworkImportReport) -> None:
        super().__init__(message)
        self.report = report


# Below this share of the current standards found again, an update that would leave evidence
# without a standard is taken for a wrong file and needs ``force``.
MIN_MATCHED_SHARE = 0.5


def import_framework(
    lib_or_session: Library | Session,
    parsed: ParsedFramework,
    name: str | None = None,
    *,
    dry_run: bool = False,
    force: bool = False,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> FrameworkImportReport:
    """Create the framework from ``parsed``, or update the current framework when one exists.

    With a ``Library`` the work is one committed unit; with a ``Session`` the caller commits.
    ``dry_run`` computes the report without writing anything. An update that finds fewer than
    half of the current standards again *and* would leave evidence unassigned raises
    ``UpdateRefused`` (carrying the report) unless ``force`` is given: the desktop wizard shows
    the report and asks; the command line says to review with ``--dry-run``.
    """
    if isinstance(lib_or_session, Library):
        with lib_or_session.session() as session:
            return _import(session, parsed, name, dry_run, force, progress, cancel)
    return _import(lib_or_session, parsed, name, dry_run, force, progress, cancel)


def _found_again(plan: _Plan) -> tuple[int, int]:
    """(current standards found in the workbook, current standards)."""
    old_standards = [oid for oid, o in plan.old.items() if o.row.is_standard]
    matched = set(plan.match.values())
    return sum(1 for oid in old_standards if oid in matched), len(old_standards)


def _check_similar(plan: _Plan, parsed: ParsedFramework) -> None:
    if not plan.report.needs_force:
        return
    found, total = _found_again(plan)
    r = plan.report
    raise UpdateRefused(
        f"文件“{parsed.path.name}”与现有测评体系“{plan.framework.name}”差别很大：现有 {total} 条测评标准中"
        f"只有 {found} 条能在新表格中找到，{len(r.unassigned_documents)} 件佐证资料将变为未归类。"
        "请先加 --dry-run 查看将要发生的变化；确认是同一测评体系的新版本后，再加 --force 导入。", r)


def _import(session: Session, parsed: ParsedFramework, name: str | None, dry_run: bool,
            force: bool, progress: ProgressCallback,
            cancel: CancelToken | None) -> FrameworkImportReport:
    if not parsed.roots:
        raise CivLedgerError(f"文件“{parsed.path.name}”中没有可导入的测评标准。")
    if any(not s.code for s in iter_specs(parsed.roots)):
        parsed.warnings.extend(settle_codes(parsed.roots))
    fw = current_framework(session)
    if fw is None:
        fw_name = (name or parsed.name or parsed.path.stem)[:200]
        report = FrameworkImportReport(
            framework=fw_name, framework_id=None, created=True, standards=parsed.standards,
            indicators=parsed.indicators, units=len(parsed.unit_names),
            warnings=list(parsed.warnings), dry_run=dry_run)
        existing = set(session.scalars(select(Unit.name)))
        report.new_units = [u for u in parsed.unit_names if u not in existing]
        if dry_run:
            return report
        progress(ProgressEvent(0, parsed.indicators, "导入测评体系", "indicators"))
        created = create_framework(session, fw_name, parsed.roots, version=parsed.version,
                                   source=str(parsed.path))
        audit.record(session, "create", "framework", created.id, None,
                     {"name": fw_name, "version": parsed.version, "source_path": str(parsed.path),
                      "standards": parsed.standards})
        session.flush()
        report.framework_id = created.id
        progress(ProgressEvent(parsed.indicators, parsed.indicators, "测评体系已导入",
                               "indicators"))
        return report
    plan = _plan(session, fw, parsed, name)
    plan.report.dry_run = dry_run
    found, total = _found_again(plan)
    plan.report.needs_force = bool(total and plan.report.unassigned_documents
                                   and found / total < MIN_MATCHED_SHARE)
    if not dry_run and not force:
        _check_similar(plan, parsed)
    if not dry_run:
        _apply(session, plan, parsed, name, progress, cancel)
    return plan.report

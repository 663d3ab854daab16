"""What goes into a package: the indicator tree, the standards and the documents of one period,
read with plain column queries and handed on as plain data (no ORM objects leave the session).

Classified documents are decided here, by the same rule the check uses, so that what the check
flags as ``classified`` is exactly what the export holds back unless the clerk released it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any

from sqlalchemy import Connection, func, null, select
from sqlalchemy.orm import Session

from archive.documents import standard_by_code, subtree_ids, unit_by_name
from archive.frameworks import current_framework
from archive.library import Library
from archive.markings import FIRST_CHARS, classified_marking
from archive.models import (
    ROLE_LEAD,
    ROLE_RESPONSIBLE,
    Assignment,
    Conclusion,
    Document,
    DocumentStandard,
    File,
    Indicator,
    Requirement,
    Setting,
    Unit,
)
from archive.periods import get_period

# Search in index.html covers this much of each document's extracted text.
SEARCH_TEXT_CHARS = 20_000


@dataclass
class Node:
    id: int
    parent_id: int | None
    code: str
    title: str
    level_name: str
    is_standard: bool


@dataclass
class StandardInfo:
    id: int
    code: str
    title: str
    score: float | None
    method: str
    requirement_text: str
    ancestors: list[Node]
    lead_units: list[str] = field(default_factory=list)
    responsible_units: list[str] = field(default_factory=list)
    support_units: list[str] = field(default_factory=list)
    requirements: list[dict[str, Any]] = field(default_factory=list)
    conclusion: str = ""


@dataclass
class DocInfo:
    id: int
    title: str
    doc_number: str
    doc_date: dt.date | None
    author: str
    retention: str
    classification: str
    remarks: str
    caption: str
    kind: str
    unit: str
    released: bool
    source_path: str
    sha256: str
    size: int
    ext: str
    pages: int | None
    original_name: str
    standard_ids: list[int]
    marking: str | None = None  # the 密级 the text or name carries, when classified

    @property
    def is_classified(self) -> bool:
        return self.classification != "公开" or self.marking is not None

    def __reduce__(self) -> tuple[type[DocInfo], tuple[Any, ...]]:
        # Pickled as its field values (a large export sends 20,000 of these to the process
        # generating the forms): half the time to load of the default state dictionary.
        return DocInfo, _DOC_FIELDS(self)


_DOC_FIELDS = attrgetter(*(f.name for f in fields(DocInfo)))


@dataclass
class HeldBack:
    document_id: int
    title: str
    source_path: str
    kind: str  # classified | unassigned | too_large
    reason: str

    def as_json(self) -> dict[str, Any]:
        return {"document_id": self.document_id, "title": self.title,
                "source_path": self.source_path, "kind": self.kind, "reason": self.reason}


@dataclass
class Selection:
    period: str
    period_start: dt.date
    period_end: dt.date
    period_id: int
    organisation: str
    framework: str
    unit: str | None
    standard: str | None
    nodes: list[Node]
    standards: list[StandardInfo]
    documents: list[DocInfo]
    held_back: list[HeldBack]
    released: list[int]  # classified documents exported because the clerk released them


def read_setting(lib: Library, key: str, default: Any = None) -> Any:
    """``lib.get_setting`` in a read session: that one opens a writing session, which waits
    for the write lock while an import (or anything else) holds it."""
    with lib.read_session() as s:
        row = s.get(Setting, key)
        return default if row is None else row.value


def _classified_ids_from_check(lib: Library, period: str) -> set[int] | None:
    """The check's own list when archive.check offers one (one rule for both), else None."""
    try:
        from archive import check  # type: ignore[attr-defined]
    except ImportError:
        return None
    fn = getattr(check, "classified_document_ids", None)
    if fn is None:
        return None
    try:
        # A read session: the check's own would take the write lock, and wait for an import.
        with lib.read_session() as s:
            return set(fn(s, period))
    except TypeError:
        return None


def _tree(session: Session, framework_id: int) -> list[Node]:
    return [
        Node(r.id, r.parent_id, r.code, r.title, r.level_name, bool(r.is_standard))
        for r in session.execute(
            select(Indicator.id, Indicator.parent_id, Indicator.code, Indicator.title,
                   Indicator.level_name, Indicator.is_standard)
            .where(Indicator.framework_id == framework_id)
            .order_by(Indicator.position)
        )
    ]


def _standards(session: Session, nodes: list[Node], keep: set[int],
               period_id: int) -> list[StandardInfo]:
    by_id = {n.id: n for n in nodes}
    rows = {
        r.id: r
        for r in session.execute(
            select(Indicator.id, Indicator.score, Indicator.method, Indicator.requirement_text)
            .where(Indicator.id.in_(keep))
        )
    }
    roles: dict[int, dict[str, list[str]]] = {}
    for ind_id, uname, role in session.execute(
        select(Assignment.indicator_id, Unit.name, Assignment.role)
        .join(Unit, Unit.id == Assignment.unit_id)
        .where(Assignment.indicator_id.in_(keep))
        .order_by(Assignment.id)
    ):
        roles.setdefault(ind_id, {}).setdefault(role, []).append(uname)
    reqs: dict[int, list[dict[str, Any]]] = {}
    for ind_id, label, kind, min_count in session.execute(
        select(Requirement.indicator_id, Requirement.label, Requirement.kind,
               Requirement.min_count)
        .where(Requirement.indicator_id.in_(keep))
        .order_by(Requirement.indicator_id, Requirement.position)
    ):
        reqs.setdefault(ind_id, []).append({"label": label, "kind": kind, "min_count": min_count})
    conclusions: dict[int, str] = {
        ind_id: text for ind_id, text in session.execute(
            select(Conclusion.indicator_id, Conclusion.text).where(
                Conclusion.period_id == period_id, Conclusion.indicator_id.in_(keep)))
    }
    out: list[StandardInfo] = []
    for n in nodes:
        if n.id not in keep:
            continue
        ancestors: list[Node] = []
        parent = by_id.get(n.parent_id) if n.parent_id is not None else None
        while parent is not None:
            ancestors.insert(0, parent)
            parent = by_id.get(parent.parent_id) if parent.parent_id is not None else None
        r = rows[n.id]
        unit_roles = roles.get(n.id, {})
        out.append(StandardInfo(
            id=n.id, code=n.code, title=n.title, score=r.score, method=r.method or "",
            requirement_text=r.requirement_text or "", ancestors=ancestors,
            lead_units=unit_roles.get(ROLE_LEAD, []),
            responsible_units=unit_roles.get(ROLE_RESPONSIBLE, []),
            support_units=[u for role, names in unit_roles.items()
                           if role not in (ROLE_LEAD, ROLE_RESPONSIBLE) for u in names],
            requirements=reqs.get(n.id, []), conclusion=conclusions.get(n.id, "") or "",
        ))
    return out


def select_for_export(lib: Library, period: str, unit: str | None = None,
                      standard: str | None = None) -> Selection:
    """Everything a package of ``period`` holds, filtered by unit and/or indicator subtree."""
    check_ids = _classified_ids_from_check(lib, period)
    organisation = read_setting(lib, "organisation", "") or ""
    if isinstance(organisation, dict):
        organisation = organisation.get("name", "")
    with lib.read_session() as s:
        p = get_period(s, period)
        fw = current_framework(s)
        nodes = _tree(s, fw.id) if fw is not None else []
        allowed: set[int] = {n.id for n in nodes if n.is_standard}
        if standard is not None:
            allowed &= set(subtree_ids(s, standard_by_code(s, standard)))
        unit_id = unit_by_name(s, unit).id if unit is not None else None

        # With the check's list, the start of the text (where a 密级 marking stands) is read
        # only for the documents on it, not for every document of the period.
        head = func.substr(File.text, 1, FIRST_CHARS) if check_ids is None else null()
        doc_q = (
            select(Document.id, Document.title, Document.doc_number, Document.doc_date,
                   Document.author, Document.retention, Document.classification,
                   Document.remarks, Document.caption, Document.kind, Unit.name,
                   Document.released, Document.source_path, File.sha256, File.size, File.ext,
                   File.page_count, File.original_name, head)
            .join(File, File.id == Document.file_id)
            .outerjoin(Unit, Unit.id == Document.unit_id)
            .where(Document.period_id == p.id, Document.deleted_at.is_(None))
            .order_by(Document.id)
        )
        if unit_id is not None:
            doc_q = doc_q.where(Document.unit_id == unit_id)
        # Core execution on the session's connection: no ORM row processing for 10⁴ rows.
        conn = s.connection()
        heads = _text_heads(conn, sorted(check_ids)) if check_ids else {}
        links: dict[int, list[int]] = {}
        for doc_id, ind_id in conn.execute(
            select(DocumentStandard.document_id, DocumentStandard.indicator_id)
            .join(Document, Document.id == DocumentStandard.document_id)
            .where(Document.period_id == p.id, Document.deleted_at.is_(None))
            .order_by(DocumentStandard.id)
        ).all():  # all rows in one fetch: a row at a time costs a call each
            links.setdefault(doc_id, []).append(ind_id)

        documents: list[DocInfo] = []
        held: list[HeldBack] = []
        released: list[int] = []
        for r in conn.execute(doc_q).all():
            std_ids = [i for i in links.get(r[0], []) if i in allowed]
            if not links.get(r[0]):
                if standard is None:
                    held.append(HeldBack(r[0], r[1], r[12], "unassigned",
                                         "未归到任何测评标准，资料包按测评标准编排，未导出"))
                continue
            if not std_ids:
                continue  # filed only under standards outside the chosen subtree
            doc = DocInfo(
                id=r[0], title=r[1] or "", doc_number=r[2] or "", doc_date=r[3],
                author=r[4] or "", retention=r[5] or "", classification=r[6] or "公开",
                remarks=r[7] or "", caption=r[8] or "", kind=r[9] or "document",
                unit=r[10] or "", released=bool(r[11]), source_path=r[12] or "",
                sha256=r[13], size=int(r[14]), ext=r[15] or "", pages=r[16],
                original_name=r[17] or "", standard_ids=std_ids,
            )
            if check_ids is None or doc.id in check_ids:
                text = r[18] if check_ids is None else heads.get(doc.id)
                doc.marking = classified_marking(text, f"{doc.title} {doc.original_name}")
                if check_ids is not None and doc.marking is None and doc.classification == "公开":
                    doc.marking = "涉密"  # the check's rule found more than the marking says
            classified = doc.is_classified
            if classified and not doc.released:
                level = (doc.classification if doc.classification != "公开"
                         else doc.marking or "涉密")
                held.append(HeldBack(doc.id, doc.title, doc.source_path, "classified",
                                     f"密级“{level}”，未经解密或批准公开，不得导出到U盘"))
                continue
            if classified:
                released.append(doc.id)
            documents.append(doc)

        keep = set(allowed)
        if unit_id is not None:
            assigned = set(s.scalars(select(Assignment.indicator_id).where(
                Assignment.unit_id == unit_id)))
            with_docs = {i for d in documents for i in d.standard_ids}
            keep &= assigned | with_docs
        standards = _standards(s, nodes, keep, p.id)
        kept_nodes = _with_ancestors(nodes, keep)
        return Selection(
            period=p.label, period_start=p.start, period_end=p.end, period_id=p.id,
            organisation=str(organisation), framework=fw.name if fw is not None else "",
            unit=unit, standard=standard, nodes=kept_nodes, standards=standards,
            documents=documents, held_back=held, released=released,
        )


def _text_heads(conn: Connection, document_ids: list[int]) -> dict[int, str]:
    """The first characters of each document's extracted text (where markings stand)."""
    out: dict[int, str] = {}
    for i in range(0, len(document_ids), 500):
        for doc_id, text in conn.execute(
                select(Document.id, func.substr(File.text, 1, FIRST_CHARS))
                .join(File, File.id == Document.file_id)
                .where(Document.id.in_(document_ids[i:i + 500]))):
            out[doc_id] = text
    return out


def _with_ancestors(nodes: list[Node], keep: set[int]) -> list[Node]:
    """The kept standards and every node above them, in tree order."""
    by_id = {n.id: n for n in nodes}
    wanted: set[int] = set()
    for sid in keep:
        node: Node | None = by_id.get(sid)
        while node is not None and node.id not in wanted:
            wanted.add(node.id)
            node = by_id.get(node.parent_id) if node.parent_id is not None else None
    return [n for n in nodes if n.id in wanted]


def search_texts(lib: Library, document_ids: list[int]) -> dict[int, str]:
    """The start of each document's extracted text, for the search box of index.html."""
    out: dict[int, str] = {}
    with lib.read_session() as s:
        for i in range(0, len(document_ids), 500):
            chunk = document_ids[i:i + 500]
            for doc_id, text in s.execute(
                select(Document.id, func.substr(File.text, 1, SEARCH_TEXT_CHARS))
                .join(File, File.id == Document.file_id)
                .where(Document.id.in_(chunk))
            ):
                if text:
                    out[doc_id] = text
    return out

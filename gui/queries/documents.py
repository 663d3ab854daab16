"""Documents for the centre list (ids first, rows a page at a time) and the detail panel."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from archive.documents import subtree_ids
from archive.frameworks import current_framework
from archive.models import (
    Document,
    DocumentRequirement,
    DocumentStandard,
    File,
    Indicator,
    Period,
    Requirement,
    Unit,
)


@dataclass(frozen=True)
class DocumentScope:
    """Which documents the list shows; every field narrows it further."""

    period_id: int | None = None
    unit_id: int | None = None
    indicator_id: int | None = None  # this indicator and its subtree
    unassigned: bool = False  # filed under no standard
    text: str = ""  # part of 题名, 文号, 责任者 or the source path
    ids: tuple[int, ...] | None = None  # an explicit set (a finding's documents)


SORT_COLUMNS: dict[str, Any] = {
    "id": Document.id,
    "title": Document.title,
    "doc_number": Document.doc_number,
    "doc_date": Document.doc_date,
    "author": Document.author,
    "unit": Unit.name,
    "kind": Document.kind,
    "classification": Document.classification,
    "status": File.status,
    "size": File.size,
    "source_path": Document.source_path,
}


def _scoped(session: Session, scope: DocumentScope, query: Select[Any]) -> Select[Any]:
    query = query.where(Document.deleted_at.is_(None))
    if scope.period_id is not None:
        query = query.where(Document.period_id == scope.period_id)
    if scope.unit_id is not None:
        query = query.where(Document.unit_id == scope.unit_id)
    if scope.ids is not None:
        query = query.where(Document.id.in_(scope.ids))
    if scope.unassigned:
        query = query.where(Document.id.not_in(select(DocumentStandard.document_id)))
    if scope.indicator_id is not None:
        ind = session.get(Indicator, scope.indicator_id)
        ids = [scope.indicator_id] if ind is None or ind.is_standard else subtree_ids(session, ind)
        linked = select(DocumentStandard.document_id).where(DocumentStandard.indicator_id.in_(ids))
        query = query.where(Document.id.in_(linked))
    text = scope.text.strip()
    if text:
        query = query.where(or_(*(col.contains(text, autoescape=True) for col in (
            Document.title, Document.doc_number, Document.author, Document.source_path,
            Document.caption))))
    return query


def document_ids(session: Session, scope: DocumentScope, sort: str = "id",
                 descending: bool = False) -> list[int]:
    """Ids in display order: one cheap query even for 100,000 documents."""
    column = SORT_COLUMNS.get(sort, Document.id)
    query = select(Document.id)
    if sort == "unit":
        query = query.outerjoin(Unit, Unit.id == Document.unit_id)
    elif sort in ("status", "size"):
        query = query.join(File, File.id == Document.file_id)
    order = column.desc() if descending else column.asc()
    query = _scoped(session, scope, query).order_by(order, Document.id)
    return list(session.scalars(query))


class DocumentRow(NamedTuple):
    id: int
    title: str
    doc_number: str
    doc_date: dt.date | None
    author: str
    unit: str
    kind: str
    classification: str
    ext: str
    status: str
    size: int
    pages: int | None
    source_path: str
    period: str
    standards: str  # codes, "1.1.1.1、2.3.1.2"


def document_rows(session: Session, ids: list[int]) -> dict[int, DocumentRow]:
    """The rows for one page of the list (two queries, whatever the page size)."""
    if not ids:
        return {}
    rows = session.execute(
        select(Document.id, Document.title, Document.doc_number, Document.doc_date,
               Document.author, Unit.name, Document.kind, Document.classification, File.ext,
               File.status, File.size, File.page_count, Document.source_path, Period.label)
        .join(File, File.id == Document.file_id)
        .join(Period, Period.id == Document.period_id)
        .outerjoin(Unit, Unit.id == Document.unit_id)
        .where(Document.id.in_(ids))
    ).all()
    codes: dict[int, list[str]] = {}
    for doc_id, code in session.execute(
        select(DocumentStandard.document_id, Indicator.code)
        .join(Indicator, Indicator.id == DocumentStandard.indicator_id)
        .where(DocumentStandard.document_id.in_(ids))
        .order_by(Indicator.position)
    ):
        codes.setdefault(doc_id, []).append(code)
    return {
        r[0]: DocumentRow(r[0], r[1] or "", r[2] or "", r[3], r[4] or "", r[5] or "", r[6],
                          r[7], r[8] or "", r[9], r[10], r[11], r[12] or "", r[13],
                          "、".join(codes.get(r[0], [])))
        for r in rows
    }


@dataclass(frozen=True)
class LinkedStandard:
    id: int
    code: str
    title: str


@dataclass(frozen=True)
class RequirementChoice:
    id: int
    standard_code: str
    label: str
    kind: str
    min_count: int
    linked: bool  # the clerk said explicitly: this document satisfies it


@dataclass
class DocumentDetail:
    id: int
    title: str
    doc_number: str
    doc_date: dt.date | None
    author: str
    retention: str
    classification: str
    remarks: str
    caption: str
    unit_id: int | None
    kind: str
    released: bool
    source_path: str
    period: str
    deleted: bool
    file_id: int
    sha256: str
    ext: str
    size: int
    original_name: str
    page_count: int | None
    status: str
    status_reason: str
    info: dict[str, Any] = field(default_factory=dict)
    standards: list[LinkedStandard] = field(default_factory=list)
    requirements: list[RequirementChoice] = field(default_factory=list)


def document_detail(session: Session, doc_id: int) -> DocumentDetail | None:
    doc = session.get(Document, doc_id)
    if doc is None:
        return None
    f = doc.file
    standards = [
        LinkedStandard(*r) for r in session.execute(
            select(Indicator.id, Indicator.code, Indicator.title)
            .join(DocumentStandard, DocumentStandard.indicator_id == Indicator.id)
            .where(DocumentStandard.document_id == doc_id)
            .order_by(Indicator.position)
        )
    ]
    linked_reqs = set(session.scalars(
        select(DocumentRequirement.requirement_id).where(
            DocumentRequirement.document_id == doc_id)))
    requirements = [
        RequirementChoice(r[0], r[1], r[2], r[3], r[4], r[0] in linked_reqs)
        for r in session.execute(
            select(Requirement.id, Indicator.code, Requirement.label, Requirement.kind,
                   Requirement.min_count)
            .join(Indicator, Indicator.id == Requirement.indicator_id)
            .where(Requirement.indicator_id.in_([s.id for s in standards])
                   | Requirement.id.in_(linked_reqs))
            .order_by(Indicator.position, Requirement.position)
        )
    ]
    return DocumentDetail(
        id=doc.id, title=doc.title, doc_number=doc.doc_number, doc_date=doc.doc_date,
        author=doc.author, retention=doc.retention, classification=doc.classification,
        remarks=doc.remarks, caption=doc.caption, unit_id=doc.unit_id, kind=doc.kind,
        released=doc.released, source_path=doc.source_path, period=doc.period.label,
        deleted=doc.deleted_at is not None, file_id=f.id, sha256=f.sha256, ext=f.ext,
        size=f.size, original_name=f.original_name, page_count=f.page_count, status=f.status,
        status_reason=f.status_reason, info=dict(f.info or {}), standards=standards,
        requirements=requirements,
    )


def file_text(session: Session, file_id: int) -> str | None:
    """Extracted text (pages separated by form feeds), or None before extraction ran."""
    return session.scalar(select(File.text).where(File.id == file_id))


@dataclass(frozen=True)
class Choice:
    id: int
    label: str


def period_choices(session: Session) -> list[tuple[int, str, dt.date, dt.date]]:
    return [tuple(r) for r in session.execute(  # type: ignore[misc]
        select(Period.id, Period.label, Period.start, Period.end).order_by(Period.start,
                                                                            Period.label))]


def unit_choices(session: Session) -> list[Choice]:
    return [Choice(i, n) for i, n in session.execute(select(Unit.id, Unit.name).order_by(Unit.id))]


def standard_choices(session: Session) -> list[Choice]:
    """Standards of the current framework as "code title", for the link picker."""
    fw = current_framework(session)
    if fw is None:
        return []
    return [Choice(i, f"{c} {t}") for i, c, t in session.execute(
        select(Indicator.id, Indicator.code, Indicator.title)
        .where(Indicator.framework_id == fw.id, Indicator.is_standard.is_(True))
        .order_by(Indicator.position))]

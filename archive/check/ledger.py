"""The facts a check reads for one period, loaded with a handful of Core queries.

Nothing here judges anything: completeness, quality and the score are computed from a ``Ledger``
by plain functions, so the GUI's tree badges, the document panel and the full report all see the
same facts. Queries select columns (never ORM objects) because a ledger holds tens of thousands of
documents and the tree badges are refreshed after every change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, literal, select
from sqlalchemy.orm import Session, aliased

from archive.frameworks import current_framework
from archive.markings import FIRST_CHARS
from archive.models import (
    Assignment,
    Document,
    DocumentRequirement,
    DocumentStandard,
    File,
    FindingAcceptance,
    Indicator,
    Period,
    Requirement,
    Unit,
)
from archive.periods import get_period


@dataclass(slots=True)
class IndicatorFacts:
    id: int
    parent_id: int | None
    code: str
    title: str
    score: float | None
    is_standard: bool
    position: int
    children: list[int] = field(default_factory=list)


@dataclass(slots=True)
class RequirementFacts:
    id: int
    indicator_id: int
    label: str
    kind: str
    min_count: int


@dataclass(slots=True)
class UnitFacts:
    id: int
    name: str
    short_name: str
    contact: str
    phone: str


@dataclass(slots=True)
class DocFacts:
    id: int
    unit_id: int | None
    file_id: int
    kind: str
    title: str
    doc_number: str
    doc_date: dt.date | None
    caption: str
    classification: str
    released: bool
    source_path: str
    sha256: str
    size: int
    original_name: str
    ext: str
    status: str
    status_reason: str
    exif_date: str | None  # File.info keys the extraction stage fills
    repaired: bool
    proposed: str | None  # JSON text, parsed only for the few documents that need it
    head: str  # the first characters of the extracted text ("" when not loaded or none)
    standards: list[int] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class PriorUse:
    """The same stored file, filed earlier in another period."""

    document_id: int
    period: str
    title: str


@dataclass
class Ledger:
    period_id: int
    period: str
    start: dt.date
    end: dt.date
    indicators: dict[int, IndicatorFacts]  # current framework, in tree order
    requirements: dict[int, list[RequirementFacts]]  # by standard id
    units: dict[int, UnitFacts]
    assignments: list[tuple[int, int, str]]  # (standard id, unit id, role)
    docs: dict[int, DocFacts]
    explicit: dict[int, set[int]]  # document id → requirement ids the clerk linked
    prior: dict[int, PriorUse]  # document id → earlier use of its file
    accepted: dict[tuple[str, str], str]  # (kind, subject) → reason

    @property
    def standards(self) -> list[IndicatorFacts]:
        return [i for i in self.indicators.values() if i.is_standard]

    @property
    def roots(self) -> list[IndicatorFacts]:
        return [i for i in self.indicators.values() if i.parent_id is None]


def _doc_query(period_id: int, with_text: bool) -> Select[Any]:
    """The documents of a period with their files. Without text (the tree badges) only what
    completeness needs is read; the other columns come back as constants."""
    def full(column: Any, empty: Any = "") -> Any:
        return column if with_text else literal(empty)

    return (
        select(
            Document.id, Document.unit_id, Document.file_id, Document.kind, Document.title,
            full(Document.doc_number), Document.doc_date, full(Document.caption),
            full(Document.classification, "公开"), full(Document.released, False),
            full(Document.source_path), File.sha256, File.size, File.original_name, File.ext,
            File.status, full(File.status_reason),
            # Only the keys the check reads, extracted by the database (JSON_EXTRACT / ->>).
            File.info["exif_date"].as_string(), File.info["repaired"].as_boolean(),
            full(File.info["proposed"].as_string(), None),
            func.substr(File.text, 1, FIRST_CHARS) if with_text else literal(""),
        )
        .join(File, File.id == Document.file_id)
        .where(Document.period_id == period_id, Document.deleted_at.is_(None))
    )


def load_docs(session: Session, period_id: int, with_text: bool = True,
              document_ids: Iterable[int] | None = None) -> dict[int, DocFacts]:
    """Live documents of the period (or just ``document_ids``) with their files and links."""
    q = _doc_query(period_id, with_text)
    links = (
        select(DocumentStandard.document_id, DocumentStandard.indicator_id)
        .join(Document, Document.id == DocumentStandard.document_id)
        .where(Document.period_id == period_id, Document.deleted_at.is_(None))
    )
    if document_ids is not None:
        ids = list(document_ids)
        q = q.where(Document.id.in_(ids))
        links = links.where(Document.id.in_(ids))
    # Core execution on the session's connection: no ORM row processing for 10⁴–10⁵ rows.
    conn = session.connection()
    docs = {
        r[0]: DocFacts(r[0], r[1], r[2], r[3] or "document", r[4] or "", r[5] or "", r[6],
                       r[7] or "", r[8] or "公开", bool(r[9]), r[10] or "", r[11], r[12] or 0,
                       r[13] or "", r[14] or "", r[15] or "", r[16] or "", r[17] or None,
                       bool(r[18]), r[19] or None, r[20] or "")
        for r in conn.execute(q).all()
    }
    for doc_id, ind_id in conn.execute(links).all():
        doc = docs.get(doc_id)
        if doc is not None:
            doc.standards.append(ind_id)
    return docs


def load_prior(session: Session, period_id: int, start: dt.date,
               document_ids: Iterable[int] | None = None) -> dict[int, PriorUse]:
    """Documents of the period whose very file was filed in an earlier period."""
    other = aliased(Document)
    q = (
        select(Document.id, other.id, Period.label, other.title)
        .join(other, (other.file_id == Document.file_id) & (other.period_id != period_id))
        .join(Period, Period.id == other.period_id)
        .where(Document.period_id == period_id, Document.deleted_at.is_(None),
               other.deleted_at.is_(None), Period.start < start)
        .order_by(Period.start, other.id)
    )
    if document_ids is not None:
        q = q.where(Document.id.in_(list(document_ids)))
    prior: dict[int, PriorUse] = {}
    for doc_id, other_id, label, title in session.connection().execute(q).all():
        prior.setdefault(doc_id, PriorUse(other_id, label, title or ""))
    return prior


def load_explicit(session: Session, period_id: int) -> dict[int, set[int]]:
    explicit: dict[int, set[int]] = {}
    for doc_id, req_id in session.connection().execute(
        select(DocumentRequirement.document_id, DocumentRequirement.requirement_id)
        .join(Document, Document.id == DocumentRequirement.document_id)
        .where(Document.period_id == period_id, Document.deleted_at.is_(None))
    ):
        explicit.setdefault(doc_id, set()).add(req_id)
    return explicit


def load_acceptances(session: Session) -> dict[tuple[str, str], str]:
    return {
        (kind, subject): reason
        for kind, subject, reason in session.execute(
            select(FindingAcceptance.kind, FindingAcceptance.subject, FindingAcceptance.reason)
        )
    }


def load_framework(session: Session) -> tuple[dict[int, IndicatorFacts],
                                               dict[int, list[RequirementFacts]]]:
    fw = current_framework(session)
    if fw is None:
        return {}, {}
    indicators = {
        r[0]: IndicatorFacts(r[0], r[1], r[2], r[3], r[4], bool(r[5]), r[6])
        for r in session.execute(
            select(Indicator.id, Indicator.parent_id, Indicator.code, Indicator.title,
                   Indicator.score, Indicator.is_standard, Indicator.position)
            .where(Indicator.framework_id == fw.id)
            .order_by(Indicator.position, Indicator.id)
        )
    }
    for ind in indicators.values():
        if ind.parent_id is not None and ind.parent_id in indicators:
            indicators[ind.parent_id].children.append(ind.id)
    requirements: dict[int, list[RequirementFacts]] = {}
    for r in session.execute(
        select(Requirement.id, Requirement.indicator_id, Requirement.label, Requirement.kind,
               Requirement.min_count)
        .join(Indicator, Indicator.id == Requirement.indicator_id)
        .where(Indicator.framework_id == fw.id)
        .order_by(Requirement.indicator_id, Requirement.position, Requirement.id)
    ):
        requirements.setdefault(r[1], []).append(
            RequirementFacts(r[0], r[1], r[2] or "", r[3] or "document", max(1, r[4] or 1)))
    return indicators, requirements


def load_units(session: Session, standard_ids: Iterable[int]) -> tuple[
        dict[int, UnitFacts], list[tuple[int, int, str]]]:
    ids = set(standard_ids)
    assignments = [
        (ind_id, unit_id, role)
        for ind_id, unit_id, role in session.execute(
            select(Assignment.indicator_id, Assignment.unit_id, Assignment.role)
            .order_by(Assignment.id)
        )
        if ind_id in ids
    ]
    units = {
        r[0]: UnitFacts(r[0], r[1], r[2] or "", r[3] or "", r[4] or "")
        for r in session.execute(
            select(Unit.id, Unit.name, Unit.short_name, Unit.contact, Unit.phone)
            .order_by(Unit.id)
        )
    }
    return units, assignments


def load_ledger(session: Session, period: str, with_text: bool = True) -> Ledger:
    """Everything the check needs for ``period`` (raises NotFoundError for an unknown one)."""
    p = get_period(session, str(period))
    indicators, requirements = load_framework(session)
    units, assignments = load_units(session, (i for i in indicators if indicators[i].is_standard))
    return Ledger(
        period_id=p.id, period=p.label, start=p.start, end=p.end,
        indicators=indicators, requirements=requirements, units=units, assignments=assignments,
        docs=load_docs(session, p.id, with_text),
        explicit=load_explicit(session, p.id),
        prior=load_prior(session, p.id, p.start),
        accepted=load_acceptances(session),
    )

"""The indicator tree with document counts per node (a node counts its whole subtree)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive.frameworks import current_framework
from archive.models import Document, DocumentStandard, Indicator


@dataclass(frozen=True)
class IndicatorNode:
    id: int
    parent_id: int | None
    code: str
    title: str
    level_name: str
    is_standard: bool
    score: float | None
    method: str
    requirement_text: str


def indicator_nodes(session: Session) -> list[IndicatorNode]:
    """Every indicator of the current framework, parents before children, in sheet order."""
    fw = current_framework(session)
    if fw is None:
        return []
    rows = session.execute(
        select(Indicator.id, Indicator.parent_id, Indicator.code, Indicator.title,
               Indicator.level_name, Indicator.is_standard, Indicator.score, Indicator.method,
               Indicator.requirement_text)
        .where(Indicator.framework_id == fw.id)
        .order_by(Indicator.position, Indicator.id)
    ).all()
    return [IndicatorNode(*r) for r in rows]


def _live(period_id: int | None, unit_id: int | None) -> list:  # noqa: ANN401 - clauses
    clauses = [Document.deleted_at.is_(None)]
    if period_id is not None:
        clauses.append(Document.period_id == period_id)
    if unit_id is not None:
        clauses.append(Document.unit_id == unit_id)
    return clauses


@dataclass(frozen=True)
class TreeCounts:
    per_node: dict[int, int]  # distinct documents filed in the node's subtree
    total: int  # every live document of the period (and unit)
    unassigned: int  # filed under no standard


def document_counts(session: Session, nodes: list[IndicatorNode], period_id: int | None,
                    unit_id: int | None = None) -> TreeCounts:
    """Counts of distinct documents: a document under two standards of one block counts once."""
    where = _live(period_id, unit_id)
    members: dict[int, set[int]] = {}
    for ind_id, doc_id in session.execute(
        select(DocumentStandard.indicator_id, DocumentStandard.document_id)
        .join(Document, Document.id == DocumentStandard.document_id)
        .where(*where)
    ):
        members.setdefault(ind_id, set()).add(doc_id)
    # Children come after parents in ``nodes``: walk backwards to fold each subtree upwards.
    per_node: dict[int, int] = {}
    for node in reversed(nodes):
        docs = members.get(node.id, set())
        per_node[node.id] = len(docs)
        if node.parent_id is not None and docs:
            parent = members.setdefault(node.parent_id, set())
            if len(docs) > len(parent):
                members[node.parent_id] = docs | parent
            else:
                parent |= docs
    total = session.scalar(select(func.count()).select_from(Document).where(*where)) or 0
    linked = select(DocumentStandard.document_id)
    unassigned = session.scalar(
        select(func.count()).select_from(Document).where(*where, Document.id.not_in(linked))
    ) or 0
    return TreeCounts(per_node, total, unassigned)

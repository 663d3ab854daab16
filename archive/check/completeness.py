"""Completeness: for every standard and each of its typed requirements, how many usable documents
of the period satisfy it, and the resulting status (complete / partial / missing), also summed up
the tree for the GUI's badges.

A document counts for a requirement when it is filed under the standard and its kind, title or
file name matches the label (``matching``), or when the clerk linked it to the requirement
explicitly. The explicit link always wins: a document the clerk linked to some requirements of a
standard counts for exactly those there, whatever its name suggests. Identical content counts once.
Documents with an open blocking finding (empty, corrupt, encrypted, reused, out_of_period) do
not count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from archive.check.ledger import DocFacts, IndicatorFacts, Ledger, load_ledger
from archive.check.matching import document_text, matcher_for
from archive.check.quality import blocking_kinds, subject_of

COMPLETE = "complete"
PARTIAL = "partial"
MISSING = "missing"
STATUS_LABELS = {COMPLETE: "齐全", PARTIAL: "不全", MISSING: "缺失"}


@dataclass
class RequirementResult:
    id: int
    label: str
    kind: str
    min_count: int
    found: int = 0
    document_ids: list[int] = field(default_factory=list)

    @property
    def satisfied(self) -> bool:
        return self.found >= self.min_count

    @property
    def lacking(self) -> int:
        return max(0, self.min_count - self.found)

    def as_json(self) -> dict[str, Any]:
        return {"label": self.label, "kind": self.kind, "min_count": self.min_count,
                "found": self.found, "document_ids": self.document_ids}


@dataclass
class StandardResult:
    id: int
    code: str
    title: str
    score: float | None
    status: str
    documents: list[int]  # live documents filed under it in the period
    unusable: list[int]  # of those, the ones with an open blocking finding
    requirements: list[RequirementResult]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def lacking(self) -> list[RequirementResult]:
        return [r for r in self.requirements if not r.satisfied]


@dataclass(frozen=True)
class NodeStatus:
    """The badge of a tree node: its status, complete/total standards below it, documents."""

    status: str
    complete: int
    total: int
    documents: int

    def as_json(self) -> dict[str, Any]:
        return {"status": self.status, "complete": self.complete, "total": self.total,
                "documents": self.documents}


def unusable_ids(ledger: Ledger) -> set[int]:
    """Documents with a blocking finding the clerk has not accepted."""
    out: set[int] = set()
    for doc in ledger.docs.values():
        kinds = blocking_kinds(doc, ledger.prior, ledger.start, ledger.end)
        if any((k, subject_of(doc.id)) not in ledger.accepted for k in kinds):
            out.add(doc.id)
    return out


def _status(requirements: list[RequirementResult], usable: int) -> str:
    if not requirements:
        return COMPLETE if usable else MISSING
    if all(r.satisfied for r in requirements):
        return COMPLETE
    if usable or any(r.found for r in requirements):
        return PARTIAL
    return MISSING


def evaluate_standards(ledger: Ledger) -> dict[int, StandardResult]:
    """Every standard of the current framework, in tree order, with its requirement counts."""
    unusable = unusable_ids(ledger)
    filed: dict[int, list[DocFacts]] = {}
    for doc in ledger.docs.values():
        for sid in doc.standards:
            filed.setdefault(sid, []).append(doc)
    explicit_docs: dict[int, list[DocFacts]] = {}
    for doc_id, req_ids in ledger.explicit.items():
        doc = ledger.docs.get(doc_id)
        if doc is not None and doc_id not in unusable:
            for rid in req_ids:
                explicit_docs.setdefault(rid, []).append(doc)
    texts: dict[int, str] = {}
    results: dict[int, StandardResult] = {}
    for std in ledger.standards:
        reqs = ledger.requirements.get(std.id, [])
        req_ids = {r.id for r in reqs}
        matched: dict[int, dict[int, int]] = {r.id: {} for r in reqs}  # req → file → doc
        docs = filed.get(std.id, [])
        usable = [d for d in docs if d.id not in unusable]
        matchers = [(matched[r.id], matcher_for(r.label, r.kind).matches) for r in reqs]
        for doc in usable:
            if doc.id in ledger.explicit and ledger.explicit[doc.id] & req_ids:
                continue  # the clerk said which requirements it satisfies here
            text = texts.get(doc.id)
            if text is None:
                text = texts[doc.id] = document_text(doc.title, doc.original_name)
            for found, match in matchers:
                if match(doc.kind, text):
                    found.setdefault(doc.file_id, doc.id)
        for r in reqs:
            for doc in explicit_docs.get(r.id, ()):
                matched[r.id].setdefault(doc.file_id, doc.id)
        req_results = [
            RequirementResult(r.id, r.label, r.kind, r.min_count, len(matched[r.id]),
                              sorted(matched[r.id].values()))
            for r in reqs
        ]
        results[std.id] = StandardResult(
            std.id, std.code, std.title, std.score,
            _status(req_results, len({d.file_id for d in usable})),
            sorted(d.id for d in docs), sorted(d.id for d in docs if d.id in unusable),
            req_results,
        )
    return results


def aggregate(ledger: Ledger, results: dict[int, StandardResult]) -> dict[int, NodeStatus]:
    """Badges for every indicator: leaves from their results, parents summed over leaves."""
    out: dict[int, NodeStatus] = {}

    def visit(node: IndicatorFacts) -> tuple[int, int, int, set[int]]:
        """(complete, partial, total, documents) below ``node``."""
        if node.is_standard:
            r = results.get(node.id)
            docs = set(r.documents) if r else set()
            status = r.status if r else MISSING
            complete, partial = int(status == COMPLETE), int(status == PARTIAL)
            out[node.id] = NodeStatus(status, complete, 1, len(docs))
            return complete, partial, 1, docs
        complete = partial = total = 0
        docs: set[int] = set()
        for child_id in node.children:
            c, p, t, d = visit(ledger.indicators[child_id])
            complete, partial, total = complete + c, partial + p, total + t
            docs |= d
        if total and complete == total:
            status = COMPLETE
        elif complete or partial:
            status = PARTIAL
        else:
            status = MISSING
        out[node.id] = NodeStatus(status, complete, total, len(docs))
        return complete, partial, total, docs

    for root in ledger.roots:
        visit(root)
    return out


def node_status(session: Session, period: str) -> dict[int, NodeStatus]:
    """The badge of every indicator of the current framework for ``period`` (no text read)."""
    ledger = load_ledger(session, period, with_text=False)
    return aggregate(ledger, evaluate_standards(ledger))

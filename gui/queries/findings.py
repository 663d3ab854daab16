"""Quality findings of one document, as the check reports them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from archive.check import KIND_LABELS
from archive.check import findings_for_document as check_findings


@dataclass(frozen=True)
class FindingRow:
    kind: str
    label: str
    message: str
    accepted: bool = False
    reason: str = ""


def findings_for_document(session: Session, doc_id: int) -> list[FindingRow]:
    return [FindingRow(f.kind, KIND_LABELS.get(f.kind, f.kind), f.message, f.accepted,
                       f.reason or "")
            for f in check_findings(session, doc_id)]

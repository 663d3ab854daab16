"""A clerk accepts a finding with a reason ("制度长期有效，沿用往年文件"): it stays visible in the
reports, marked accepted, but no longer counts — neither in the open findings nor, for blocking
kinds, against completeness. Acceptances are keyed by kind and subject ("doc:<id>") so they
survive re-running the check.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit
from archive.check.quality import FINDING_KINDS, KIND_LABELS, subject_of
from archive.errors import CivLedgerError, NotFoundError
from archive.models import Document, FindingAcceptance

_SUBJECT = re.compile(r"^\s*(?:doc\s*[:：#]?\s*|#)?(\d+)\s*$", re.IGNORECASE)


def normalise_subject(subject: str | int) -> str:
    """"12", 12, "doc:12", "#12" → "doc:12"."""
    m = _SUBJECT.match(str(subject))
    if not m:
        raise CivLedgerError(f"无法识别的对象“{subject}”：请写文件记录编号，例如 doc:12 或 12。")
    return subject_of(int(m.group(1)))


def _check_kind(kind: str) -> None:
    if kind not in FINDING_KINDS:
        known = "、".join(f"{k}（{KIND_LABELS[k]}）" for k in FINDING_KINDS)
        raise CivLedgerError(f"没有问题类型“{kind}”。可用的类型：{known}")


def accept_finding(session: Session, kind: str, subject: str | int, reason: str,
                   actor: str | None = None) -> FindingAcceptance:
    """Accept the finding ``kind`` on ``subject``; accepting again replaces the reason."""
    _check_kind(kind)
    subject = normalise_subject(subject)
    reason = (reason or "").strip()
    if not reason:
        raise CivLedgerError("请写明接受该问题的理由（--reason），以备查考。")
    doc_id = int(subject.split(":", 1)[1])
    if session.get(Document, doc_id) is None:
        raise NotFoundError(f"没有编号为 {doc_id} 的文件记录。")
    row = session.scalar(select(FindingAcceptance).where(
        FindingAcceptance.kind == kind, FindingAcceptance.subject == subject))
    before = {"reason": row.reason} if row is not None else None
    if row is None:
        row = FindingAcceptance(kind=kind, subject=subject)
        session.add(row)
    row.reason = reason
    row.actor = actor or audit.current_actor()
    audit.record(session, "accept", "finding", doc_id, before,
                 {"kind": kind, "subject": subject, "reason": reason})
    session.flush()
    return row


def unaccept_finding(session: Session, kind: str, subject: str | int) -> bool:
    """Withdraw an acceptance; False when there was none."""
    _check_kind(kind)
    subject = normalise_subject(subject)
    row = session.scalar(select(FindingAcceptance).where(
        FindingAcceptance.kind == kind, FindingAcceptance.subject == subject))
    if row is None:
        return False
    audit.record(session, "unaccept", "finding", int(subject.split(":", 1)[1]),
                 {"kind": kind, "subject": subject, "reason": row.reason}, None)
    session.delete(row)
    session.flush()
    return True


def list_acceptances(session: Session) -> list[dict[str, str]]:
    return [
        {"kind": r.kind, "subject": r.subject, "reason": r.reason, "actor": r.actor,
         "at": r.at.isoformat(timespec="seconds")}
        for r in session.scalars(select(FindingAcceptance).order_by(FindingAcceptance.id))
    ]

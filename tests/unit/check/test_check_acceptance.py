"""Accepting findings, explicit requirement links, settings: changes to the ledger."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from archive.check import (
    accept_finding,
    findings_for_document,
    list_acceptances,
    run_check,
    unaccept_finding,
)
from archive.errors import Cancelled, CivLedgerError, NotFoundError
from archive.models import AuditEntry, Requirement
from archive.progress import CancelToken, ProgressEvent
from tests.unit.check.conftest import PERIOD, Ledger


def _status(report: dict, code: str) -> str:
    return next(s["status"] for s in report["standards"] if s["code"] == code)


def _finding(report: dict, doc_id: int, kind: str) -> dict:
    return next(f for f in report["findings"]
                if f["document_id"] == doc_id and f["kind"] == kind)


def test_accepted_finding_stays_visible_but_does_not_count(fresh_ledger: Ledger) -> None:
    lib, doc = fresh_ledger.lib, fresh_ledger["整治方案.docx"]
    before = run_check(lib, PERIOD).as_json()
    assert _status(before, "2.1.1.1") == "partial"
    with lib.session() as s:
        accept_finding(s, "empty", doc, "纸质原件已归档，电子件为占位")
    after = run_check(lib, PERIOD).as_json()
    empty = _finding(after, doc, "empty")
    assert empty["accepted"] and empty["reason"] == "纸质原件已归档，电子件为占位"
    assert after["summary"]["findings"] == before["summary"]["findings"] - 1
    assert after["summary"]["accepted"] == before["summary"]["accepted"] + 1
    assert after["summary"]["by_kind"]["empty"] == 0
    # An accepted blocking finding no longer keeps the document from counting.
    assert _status(after, "2.1.1.1") == "complete"
    owner = next(u for u in after["units"] if u["name"] == "区城管局")
    assert owner["open_findings"] == next(
        u for u in before["units"] if u["name"] == "区城管局")["open_findings"] - 1
    with lib.session() as s:
        assert [f.accepted for f in findings_for_document(s, doc)] == [True]
        assert s.scalar(select(AuditEntry.action).where(AuditEntry.entity == "finding")) == \
            "accept"
        assert unaccept_finding(s, "empty", f"doc:{doc}") is True
        assert unaccept_finding(s, "empty", f"doc:{doc}") is False
    again = run_check(lib, PERIOD).as_json()
    assert not _finding(again, doc, "empty")["accepted"]
    assert _status(again, "2.1.1.1") == "partial"


def test_accepted_date_lets_an_old_photo_count(fresh_ledger: Ledger) -> None:
    lib, photo = fresh_ledger.lib, fresh_ledger["宣讲照片.jpg"]

    def photos() -> dict:
        report = run_check(lib, PERIOD).as_json()
        return next(r for s in report["standards"] if s["code"] == "1.1.1.2"
                    for r in s["requirements"] if r["label"] == "活动照片")

    assert photos()["document_ids"] == []
    with lib.session() as s:
        accept_finding(s, "out_of_period", photo, "相机时间未校准，实为2023年6月拍摄")
    assert photos()["document_ids"] == [photo]


def test_accepting_again_replaces_the_reason_and_subjects_normalise(
        fresh_ledger: Ledger) -> None:
    lib, doc = fresh_ledger.lib, fresh_ledger["保洁制度.docx"]
    with lib.session() as s:
        accept_finding(s, "reused", str(doc), "制度长期有效")
        accept_finding(s, "reused", f"#{doc}", "制度长期有效，沿用往年文件")
        rows = list_acceptances(s)
    assert [(r["kind"], r["subject"], r["reason"]) for r in rows] == [
        ("reused", f"doc:{doc}", "制度长期有效，沿用往年文件")]
    assert _finding(run_check(lib, PERIOD).as_json(), doc, "reused")["accepted"]


@pytest.mark.parametrize(("kind", "subject", "reason", "error"), [
    ("bogus", "1", "理由", CivLedgerError),
    ("empty", "第一件", "理由", CivLedgerError),
    ("empty", "1", "  ", CivLedgerError),
    ("empty", "999999", "理由", NotFoundError),
])
def test_bad_acceptances_are_refused_in_chinese(fresh_ledger: Ledger, kind: str, subject: str,
                                               reason: str, error: type[Exception]) -> None:
    with fresh_ledger.lib.session() as s, pytest.raises(error) as info:
        accept_finding(s, kind, subject, reason)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(info.value))


def test_explicit_link_wins_over_the_name(fresh_ledger: Ledger) -> None:
    """The clerk says the 实施方案 is really the 学习计划: it then counts only for that."""
    from archive.documents import link_requirement

    lib, doc = fresh_ledger.lib, fresh_ledger["创文工作实施方案.docx"]

    def requirements() -> dict[str, dict]:
        report = run_check(lib, PERIOD).as_json()
        return {r["label"]: r for r in next(
            s for s in report["standards"] if s["code"] == "1.1.1.1")["requirements"]}

    before = requirements()
    assert doc in before["实施方案"]["document_ids"]
    assert doc not in before["学习计划"]["document_ids"]
    with lib.session() as s:
        req = s.scalar(select(Requirement.id).where(Requirement.label == "学习计划"))
        link_requirement(s, doc, req)
    after = requirements()
    assert after["学习计划"]["document_ids"] == sorted(before["学习计划"]["document_ids"] + [doc])
    assert doc not in after["实施方案"]["document_ids"]
    assert after["实施方案"]["found"] == before["实施方案"]["found"] - 1 == 0
    assert _status(run_check(lib, PERIOD).as_json(), "1.1.1.1") == "partial"


def test_deleted_documents_are_not_checked(fresh_ledger: Ledger) -> None:
    from archive.trash import delete_document

    lib, doc = fresh_ledger.lib, fresh_ledger["整治台账.xlsx"]
    delete_document(lib, doc)
    report = run_check(lib, PERIOD).as_json()
    ledger_req = next(r for s in report["standards"] if s["code"] == "2.1.1.1"
                      for r in s["requirements"] if r["label"] == "整治台账")
    assert ledger_req["found"] == 0
    assert _status(report, "2.1.1.1") == "missing"  # only unusable files remain
    with lib.session() as s:
        assert findings_for_document(s, doc) == []


def test_stage_targets_and_period_stage_come_from_settings(fresh_ledger: Ledger) -> None:
    lib = fresh_ledger.lib
    lib.set_setting("stage_targets", {"创建初期": 40, "创建后期": "0.95"})
    lib.set_setting("period_stages", {PERIOD: "创建初期"})
    score = run_check(lib, PERIOD).as_json()["score"]
    assert [(t["stage"], t["target"]) for t in score["targets"]] == [
        ("创建初期", 0.4), ("创建后期", 0.95)]
    assert score["stage"] == "创建初期" and score["target"] == 0.4
    assert score["met"] == (score["weighted_ratio"] >= 0.4)
    lib.set_setting("stage_targets", {"第一年": "七成"})
    with pytest.raises(CivLedgerError, match="第一年"):
        run_check(lib, PERIOD)


def test_progress_is_reported_and_cancel_stops(ledger: Ledger) -> None:
    events: list[ProgressEvent] = []
    run_check(ledger.lib, PERIOD, progress=events.append)
    assert events[0].done == 0 and events[-1].done == events[-1].total
    assert [e.done for e in events] == sorted(e.done for e in events)
    token = CancelToken()

    def cancel_after_first(event: ProgressEvent) -> None:
        token.cancel()

    with pytest.raises(Cancelled):
        run_check(ledger.lib, PERIOD, progress=cancel_after_first, cancel=token)


def test_unknown_period_is_a_clear_error(ledger: Ledger) -> None:
    with pytest.raises(NotFoundError, match="1999"):
        run_check(ledger.lib, "1999")

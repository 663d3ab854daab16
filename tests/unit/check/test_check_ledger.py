"""The check over a ledger with every defect (see conftest.py for what was filed where)."""

from __future__ import annotations

import pytest

from archive.check import (
    FINDING_KINDS,
    classified_document_ids,
    findings_for_document,
    node_status,
    run_check,
)
from archive.check.quality import RELEASED_REASON
from archive.errors import NotFoundError
from tests.unit.check.conftest import (
    EXPECTED_FINDINGS,
    EXPECTED_STATUS,
    LEAD_1,
    LEAD_2,
    PERIOD,
    PREVIOUS,
    RESP_1,
    RESP_2,
    SUPPORT_2,
    Ledger,
)


@pytest.fixture(scope="module")
def report(ledger: Ledger) -> dict:
    return run_check(ledger.lib, PERIOD).as_json()


def _standard(report: dict, code: str) -> dict:
    return next(s for s in report["standards"] if s["code"] == code)


def _requirement(report: dict, code: str, label: str) -> dict:
    return next(r for r in _standard(report, code)["requirements"] if r["label"] == label)


def test_every_finding_kind_is_found_on_its_document(ledger: Ledger, report: dict) -> None:
    found: dict[int, set[str]] = {}
    for f in report["findings"]:
        found.setdefault(f["document_id"], set()).add(f["kind"])
    for name, kinds in EXPECTED_FINDINGS.items():
        assert found.get(ledger[name], set()) == kinds, name
    assert {k for kinds in EXPECTED_FINDINGS.values() for k in kinds} == set(FINDING_KINDS)
    assert set(found) <= set(ledger.ids.values())  # nothing from the other period


def test_finding_messages_name_the_file_and_the_problem(ledger: Ledger, report: dict) -> None:
    by = {(f["document_id"], f["kind"]): f for f in report["findings"]}
    empty = by[(ledger["整治方案.docx"], "empty")]
    assert "整治方案" in empty["message"] and "空文件" in empty["message"]
    assert empty["source_path"].endswith("2.1.1.1 背街小巷整治/整治方案.docx")
    reused = by[(ledger["保洁制度.docx"], "reused")]
    assert PREVIOUS in reused["message"] and reused["related_document_id"] is not None
    late = by[(ledger["宣讲照片.jpg"], "out_of_period")]
    assert "拍摄日期 2021-06-01" in late["message"]
    dated = by[(ledger["理论学习参考资料.docx"], "out_of_period")]
    assert "成文日期 2021-12-01" in dated["message"]
    secret = by[(ledger["理论学习参考资料.docx"], "classified")]
    assert "秘密" in secret["message"]
    device = by[(ledger["NUL.docx"], "unsafe_name")]
    assert "NUL" in device["message"] and "保留" in device["message"]
    long = next(f for f in report["findings"] if f["kind"] == "unsafe_name"
                and f["document_id"] != ledger["NUL.docx"])
    assert "60" in long["message"]
    meta = by[(ledger["中心组第一次学习会议纪要.docx"], "missing_metadata")]
    assert "成文日期" in meta["message"] and "题名" not in meta["message"].split("缺少")[1]


def test_duplicate_points_at_the_other_copy(ledger: Ledger, report: dict) -> None:
    dup = next(f for f in report["findings"] if f["kind"] == "duplicate")
    pair = {ledger["宣讲工作方案.docx"], ledger["宣讲工作方案（印发稿）.pdf"]}
    assert {dup["document_id"], dup["related_document_id"]} == pair
    assert "1.1.1.2" in dup["message"]


def test_released_classified_document_is_flagged_but_accepted(ledger: Ledger,
                                                              report: dict) -> None:
    plan = next(f for f in report["findings"]
                if f["document_id"] == ledger["2023年理论学习计划.docx"])
    assert plan["kind"] == "classified" and plan["accepted"] and plan["reason"] == RELEASED_REASON
    with ledger.lib.session() as s:
        ids = classified_document_ids(s, PERIOD)
    assert ids == {ledger["2023年理论学习计划.docx"], ledger["理论学习参考资料.docx"]}
    assert classified_document_ids(ledger.lib, PERIOD) == ids  # the export passes the library


def test_standard_statuses_and_requirement_counts(ledger: Ledger, report: dict) -> None:
    assert {s["code"]: s["status"] for s in report["standards"]} == EXPECTED_STATUS
    # 会议记录 is satisfied by a 会议纪要; three captioned photos make 活动照片 ≥ 3.
    assert _requirement(report, "1.1.1.1", "中心组学习会议记录")["document_ids"] == [
        ledger["中心组第一次学习会议纪要.docx"]]
    assert _requirement(report, "1.1.1.1", "活动照片")["found"] == 3
    assert _requirement(report, "1.1.1.1", "实施方案")["document_ids"] == [
        ledger["创文工作实施方案.docx"]]
    # Two forms of the 宣讲工作方案 both match; a photo taken in 2021 is no 2023 evidence.
    assert _requirement(report, "1.1.1.2", "宣讲工作方案")["found"] == 2
    photos = _requirement(report, "1.1.1.2", "活动照片")
    assert (photos["found"], photos["min_count"]) == (0, 2)
    assert _standard(report, "1.1.1.2")["unusable"] == 1
    # A paper dated 2021 does not count either, but 1.1.1.1 is complete without it.
    assert _standard(report, "1.1.1.1")["unusable"] == 1
    assert _standard(report, "1.1.1.1")["lacking_text"] == ""
    # The empty 整治方案 does not count; the spreadsheet counts for the 台账.
    assert _requirement(report, "2.1.1.1", "整治方案")["found"] == 0
    assert _requirement(report, "2.1.1.1", "整治台账")["document_ids"] == [
        ledger["整治台账.xlsx"]]
    assert _standard(report, "2.1.1.1")["unusable"] == 3
    # "附件1" says nothing; the clerk's explicit link makes it the 实施方案.
    assert _requirement(report, "2.1.1.3", "垃圾分类实施方案")["document_ids"] == [
        ledger["附件1.docx"]]
    assert _standard(report, "2.1.1.4")["documents"] == 0
    assert "管理制度（需 1 份，已有 0）" in _standard(report, "2.1.1.4")["lacking_text"]


def test_summary_counts_agree_with_the_lists(report: dict) -> None:
    s = report["summary"]
    statuses = [st["status"] for st in report["standards"]]
    assert (s["complete"], s["partial"], s["missing"]) == (
        statuses.count("complete"), statuses.count("partial"), statuses.count("missing"))
    open_findings = [f for f in report["findings"] if not f["accepted"]]
    assert s["findings"] == len(open_findings) == sum(s["by_kind"].values())
    assert s["accepted"] == len(report["findings"]) - len(open_findings)
    assert s["documents"] == len(EXPECTED_FINDINGS)
    assert s["pending"] == 0


def test_each_unit_gets_its_standards_and_its_files(ledger: Ledger, report: dict) -> None:
    units = {u["name"]: u for u in report["units"]}
    assert set(units) == {LEAD_1, RESP_1, LEAD_2, RESP_2, SUPPORT_2}
    roles = {u: {s["code"]: s["role"] for s in units[u]["standards"]} for u in units}
    assert roles[LEAD_1] == {"1.1.1.1": "牵头", "1.1.1.2": "牵头"}
    assert roles[RESP_1] == {"1.1.1.1": "责任", "1.1.1.2": "责任"}
    assert set(roles[SUPPORT_2].values()) == {"配合"} and len(roles[SUPPORT_2]) == 4
    open_codes = {s["code"] for s in units[RESP_2]["standards"] if s["status"] != "complete"}
    assert open_codes == {"2.1.1.1", "2.1.1.4"} and units[RESP_2]["open_standards"] == 2
    missing = next(s for s in units[LEAD_2]["standards"] if s["code"] == "2.1.1.1")["missing"]
    assert missing == [{"label": "整治方案", "min_count": 1, "found": 0}]

    def owned(unit: str) -> set[tuple[int, str]]:
        return {(f["document_id"], f["kind"]) for f in units[unit]["findings"]}

    # Documents of 区文明办 go to it; documents without a unit go to the standard's lead.
    assert owned(RESP_1) == {(ledger["宣讲工作方案（印发稿）.pdf"], "duplicate"),
                             (ledger["宣讲照片.jpg"], "out_of_period"),
                             (ledger["宣讲照片.jpg"], "photo_caption")}
    assert {k for _, k in owned(LEAD_2)} == {"empty", "corrupt", "encrypted", "no_text", "reused"}
    assert ledger["理论学习参考资料.docx"] in {d for d, _ in owned(LEAD_1)}
    assert not owned(RESP_2) and not owned(SUPPORT_2)
    # The unassigned 会议通知 has neither unit nor standard: nobody's to-do, but in the report.
    notice = ledger["会议通知.docx"]
    assert all(notice not in {d for d, _ in owned(u)} for u in units)
    assert notice in {f["document_id"] for f in report["findings"]}


def test_unit_filter_narrows_standards_and_findings(ledger: Ledger, report: dict) -> None:
    mine = run_check(ledger.lib, PERIOD, unit=RESP_1).as_json()
    assert mine["unit"] == RESP_1
    assert [s["code"] for s in mine["standards"]] == ["1.1.1.1", "1.1.1.2"]
    assert [u["name"] for u in mine["units"]] == [RESP_1]
    full_unit = next(u for u in report["units"] if u["name"] == RESP_1)
    assert mine["findings"] == full_unit["findings"]
    assert mine["summary"]["standards"] == 2 and mine["summary"]["partial"] == 1
    assert mine["score"]["total"] == 2
    with pytest.raises(NotFoundError):
        run_check(ledger.lib, PERIOD, unit="不存在的单位")


def test_score_preview_weights_by_score_per_block(report: dict) -> None:
    from tests.unit.check.conftest import BLOCK_OF, SCORES

    score = report["score"]
    complete = {c for c, st in EXPECTED_STATUS.items() if st == "complete"}
    assert score["points"] == sum(SCORES[c] for c in complete)
    assert score["max_points"] == sum(SCORES.values())
    assert score["weighted_ratio"] == pytest.approx(score["points"] / score["max_points"])
    assert score["ratio"] == pytest.approx(len(complete) / len(SCORES))
    for block in score["blocks"]:
        codes = [c for c in SCORES if BLOCK_OF[c] == block["code"]]
        done = [c for c in codes if c in complete]
        assert block["total"] == len(codes) and block["complete"] == len(done)
        assert block["weighted_ratio"] == pytest.approx(
            sum(SCORES[c] for c in done) / sum(SCORES[c] for c in codes))
    targets = {t["stage"]: t for t in score["targets"]}
    assert set(targets) == {"第一年", "第二年", "第三年"}
    for t in targets.values():
        assert t["met"] == (score["weighted_ratio"] >= t["target"])
        # Completing the ``needed`` largest open standards reaches the target; one fewer does not.
        open_scores = sorted((SCORES[c] for c in SCORES if c not in complete), reverse=True)
        reach = score["points"] + sum(open_scores[: t["needed"]])
        assert reach >= t["target"] * score["max_points"]
        if t["needed"]:
            assert reach - open_scores[t["needed"] - 1] < t["target"] * score["max_points"]


def test_node_status_badges_agree_with_the_report(ledger: Ledger, report: dict) -> None:
    from archive.frameworks import current_framework
    from archive.models import Indicator

    with ledger.lib.session() as s:
        badges = node_status(s, PERIOD)
        fw = current_framework(s)
        nodes = {i.code: i.id for i in s.query(Indicator).filter_by(framework_id=fw.id)}
    assert set(badges) == set(nodes.values())
    for st in report["standards"]:
        badge = badges[nodes[st["code"]]]
        assert badge.status == st["status"] and badge.documents == st["documents"]
        assert (badge.complete, badge.total) == (int(st["status"] == "complete"), 1)
    c1, c2 = badges[nodes["1.1.1"]], badges[nodes["2.1.1"]]
    assert (c1.status, c1.complete, c1.total) == ("partial", 1, 2)
    assert (c2.status, c2.complete, c2.total) == ("partial", 2, 4)
    assert badges[nodes["1"]] == badges[nodes["1.1"]] == c1
    # documents are counted once per subtree (the unassigned one is in none)
    assert c1.documents + c2.documents == len(EXPECTED_FINDINGS) - 1


def test_findings_for_document_match_the_full_report(ledger: Ledger, report: dict) -> None:
    with ledger.lib.session() as s:
        for name, doc_id in ledger.ids.items():
            one = [(f.kind, f.message, f.accepted) for f in findings_for_document(s, doc_id)]
            full = [(f["kind"], f["message"], f["accepted"]) for f in report["findings"]
                    if f["document_id"] == doc_id]
            assert sorted(one) == sorted(full), name
        with pytest.raises(NotFoundError):
            findings_for_document(s, 10**6)


def test_reuse_is_judged_from_the_later_period(ledger: Ledger) -> None:
    earlier = run_check(ledger.lib, PREVIOUS).as_json()
    assert not [f for f in earlier["findings"] if f["kind"] == "reused"]
    assert earlier["summary"]["documents"] == 1


@pytest.mark.postgres
def test_same_report_on_every_database(any_library, check_sources) -> None:
    """The check reads JSON keys and text prefixes in SQL: it must agree on PostgreSQL."""
    from tests.unit.check.conftest import build_ledger

    built = build_ledger(any_library, check_sources)
    data = run_check(any_library, PERIOD).as_json()
    assert {s["code"]: s["status"] for s in data["standards"]} == EXPECTED_STATUS
    found: dict[int, set[str]] = {}
    for f in data["findings"]:
        found.setdefault(f["document_id"], set()).add(f["kind"])
    assert {name: found.get(built[name], set()) for name in EXPECTED_FINDINGS} == \
        EXPECTED_FINDINGS
    with any_library.session() as s:
        badges = node_status(s, PERIOD)
        assert classified_document_ids(s, PERIOD) == {built["2023年理论学习计划.docx"],
                                                      built["理论学习参考资料.docx"]}
        assert findings_for_document(s, built["宣讲照片.jpg"])
    assert len(badges) == 2 + 2 + 2 + len(EXPECTED_STATUS)  # blocks, items, contents, standards

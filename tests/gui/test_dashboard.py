"""The 查漏补缺 page: the check runs in a worker, its lists pass the model tester, the to-do
workbook is written, findings can be accepted, bars and rows lead to the ledger."""

from __future__ import annotations

from openpyxl import load_workbook

from archive.check import COMPLETE, run_check
from gui.itemmodels.check_tables import FindingRole, FindingsModel, IndicatorIdRole
from gui.itemmodels.indicator_tree import IndicatorIdRole as TreeIndicatorIdRole


def _checked(window, qtbot):  # noqa: ANN001, ANN202
    page = window.dashboard
    with qtbot.waitSignal(page.checked, timeout=20000) as blocker:
        window.show_page("dashboard")
    return page, blocker.args[0]


def test_the_dashboard_shows_the_check_of_the_period(window, qtbot, qtmodeltester) -> None:  # noqa: ANN001
    page, report = _checked(window, qtbot)
    expected = run_check(window.state.library(), "2023")
    assert report.summary == expected.summary
    assert f"测评标准 {expected.summary['standards']} 条" in page.summary.text()
    open_count = sum(s.status != COMPLETE for s in expected.standards)
    assert page.standards_model.rowCount() == open_count
    assert page.findings_model.rowCount() == len(expected.findings)
    assert [b.label[:1] for b in page.blocks.bars] == ["1", "2", "3"]
    assert sum(b.total for b in page.blocks.bars) == expected.summary["standards"]
    qtmodeltester.check(page.standards_model)
    qtmodeltester.check(page.findings_model)
    assert any(f.kind == "unassigned" for f in report.findings)


def test_the_todo_workbook_has_a_sheet_per_unit(window, qtbot, tmp_path, no_dialogs) -> None:  # noqa: ANN001
    page, report = _checked(window, qtbot)
    path = tmp_path / "督办表.xlsx"
    handle = page.write_todo(path)
    with qtbot.waitSignal(handle.finished, timeout=20000):
        pass
    sheets = load_workbook(path, read_only=True).sheetnames
    assert sheets[:3] == ["汇总", "测评标准", "质量问题"]
    assert "区委宣传部" in sheets and len(sheets) == 3 + len(report.units)
    assert no_dialogs["infos"][-1][0] == "督办表已生成"


def test_accepting_a_finding_keeps_it_listed_but_not_counted(window, qtbot) -> None:  # noqa: ANN001
    page, report = _checked(window, qtbot)
    row = next(r for r in range(page.findings_model.rowCount())
               if page.findings_model.index(r, 0).data(FindingRole).kind == "unassigned")
    finding = page.findings_model.index(row, 0).data(FindingRole)
    page.findings.selectRow(row)
    with qtbot.waitSignal(page.checked, timeout=20000) as blocker:
        page.accept_selected(reason="通知类资料，不归具体标准")
    after = blocker.args[0]
    same = [f for f in after.findings
            if f.kind == finding.kind and f.document_id == finding.document_id]
    assert same and same[0].accepted and same[0].reason == "通知类资料，不归具体标准"
    assert after.summary["accepted"] == report.summary["accepted"] + 1
    assert after.summary["findings"] == report.summary["findings"] - 1
    model = FindingsModel()
    model.load(after)
    assert model.index(model.rowCount() - 1, 4).data() == "已接受：通知类资料，不归具体标准"


def test_rows_and_bars_lead_to_the_ledger_and_the_unit_filter(window, qtbot) -> None:  # noqa: ANN001
    page, report = _checked(window, qtbot)
    indicator_id = page.standards_model.index(0, 0).data(IndicatorIdRole)
    page.standards.doubleClicked.emit(page.standards_model.index(0, 1))
    assert window.tabs.currentWidget() is window.ledger
    assert window.ledger.tree.view.currentIndex().data(TreeIndicatorIdRole) == indicator_id
    unit_bar = next(b for b in page.units.bars if b.label == "区委宣传部")
    window.show_page("dashboard")
    with qtbot.waitSignal(page.checked, timeout=20000) as blocker:
        page.units.barClicked.emit(unit_bar.key)
    assert window.state.unit_name == "区委宣传部"
    assert blocker.args[0].unit == "区委宣传部"
    assert window.toolbar.unit.currentText() == "区委宣传部"  # the toolbar follows

"""The framework import wizard: recognised columns, an interactive mapping when a header is not
recognised, the dry-run preview, and the import itself."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import select

from archive.frameworks import current_framework, standards_overview
from archive.models import Indicator


def _workbook(path: Path, standard_header: str) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "任务分解"
    ws.append(["某区创建全国文明城市任务分解表"])
    ws.append(["序号", "测评项目", "测评内容", standard_header, "分值", "牵头单位", "责任单位",
               "佐证资料"])
    ws.append([1, "公共文明", "窗口服务", "政务大厅设置文明引导标识", 2, "区政务服务中心",
               "区文明办", "1.工作方案；2.现场照片不少于3张"])
    ws.append([2, None, None, "开展文明礼仪培训", 1, "区政务服务中心", "区人社局", "培训记录"])
    ws.append([3, "志愿服务", "志愿站点", "社区志愿服务站常态化开展活动", 3, "团区委",
               "各街道办事处", "活动记录；活动照片≥5张"])
    wb.save(path)
    return path


def _wait_preview(qtbot, wizard) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: wizard.preview is not None, timeout=20000)


def test_a_recognised_workbook_imports_as_an_update(window, qtbot, tmp_path, no_dialogs) -> None:  # noqa: ANN001
    path = _workbook(tmp_path / "任务分解表.xlsx", "测评标准")
    wizard = window.open_framework_wizard(path)
    _wait_preview(qtbot, wizard)
    assert wizard.preview.ok and wizard.preview.mapping["测评标准"] == "D"
    assert wizard.file_page.isComplete()
    wizard.next()
    assert wizard.columns_page.combos["牵头单位"].currentData() == "F"
    assert wizard.columns_page.samples.rowCount() == 3
    assert wizard.columns_page.isComplete()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.plan is not None, timeout=20000)
    assert "更新测评体系" in wizard.confirm_page.summary.toPlainText()  # the sample exists
    # Few of the sample's standards are in this table: the clerk must confirm on purpose.
    page = wizard.confirm_page
    assert wizard.plan.report.needs_force and page.warning.isVisibleTo(wizard)
    assert not page.isComplete()
    page.force.setChecked(True)
    assert page.isComplete()
    with qtbot.waitSignal(wizard.imported, timeout=20000) as blocker:
        wizard.accept()
    report = blocker.args[0]
    assert report.standards == 3
    with window.state.session() as s:
        titles = {r["title"] for r in standards_overview(s)}
    assert titles == {"政务大厅设置文明引导标识", "开展文明礼仪培训", "社区志愿服务站常态化开展活动"}
    # The tree shows the new framework.
    tree = window.ledger.tree.model
    with window.state.session() as s:
        fw = current_framework(s)
        ids = s.scalars(select(Indicator.id).where(Indicator.framework_id == fw.id,
                                                   Indicator.is_standard.is_(True))).all()
    assert all(tree.index_for_indicator(i).isValid() for i in ids)


def test_an_unrecognised_header_is_mapped_by_hand(window, qtbot, tmp_path) -> None:  # noqa: ANN001
    path = _workbook(tmp_path / "自定义表头.xlsx", "考评要点")
    wizard = window.open_framework_wizard(path)
    _wait_preview(qtbot, wizard)
    assert not wizard.preview.ok
    assert "测评标准" in "".join(wizard.preview.problems)
    wizard.next()
    columns = wizard.columns_page
    assert not columns.isComplete()
    # The headers seen are offered by name, and the recognised columns are already set.
    assert columns.combos["测评标准"].findText("D 列：考评要点") >= 0
    assert columns.combos["测评标准"].currentData() == ""
    assert columns.combos["牵头单位"].currentData() == "F"
    columns.set_column("测评标准", "D")
    _wait_preview(qtbot, wizard)
    assert wizard.preview.ok and wizard.preview.mapping["测评标准"] == "D"
    assert columns.isComplete()
    assert [s["测评标准"] for s in wizard.preview.samples][:2] == [
        "政务大厅设置文明引导标识", "开展文明礼仪培训"]
    wizard.next()
    qtbot.waitUntil(lambda: wizard.plan is not None, timeout=20000)
    assert wizard.plan.parsed.standards == 3


def test_an_unreadable_file_says_so(window, qtbot, tmp_path) -> None:  # noqa: ANN001
    bad = tmp_path / "坏文件.xlsx"
    bad.write_bytes(b"this is not a workbook")
    wizard = window.open_framework_wizard(bad)
    qtbot.waitUntil(lambda: "无法读取" in wizard.file_page.status.text(), timeout=20000)
    assert "坏文件.xlsx" in wizard.file_page.status.text()
    assert not wizard.file_page.isComplete()

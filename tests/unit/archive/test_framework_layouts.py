"""Five differently laid-out task-decomposition workbooks, each imported and checked exactly:
the tree, the units and roles, the requirements."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from archive.framework_io import inspect_workbook, read_workbook
from archive.framework_update import import_framework
from archive.frameworks import standards_overview
from archive.library import Library
from archive.models import ROLE_LEAD, ROLE_RESPONSIBLE, Assignment, Indicator, Unit
from tests.unit.archive import framework_fixtures as ff


def tree(lib: Library) -> list[tuple[str, str, str, int]]:
    """(code, title, level name, depth) of every indicator in tree order."""
    with lib.session() as s:
        return [tuple(r) for r in s.execute(
            select(Indicator.code, Indicator.title, Indicator.level_name, Indicator.level)
            .order_by(Indicator.position))]


def overview(lib: Library) -> list[dict[str, Any]]:
    with lib.session() as s:
        return standards_overview(s)


def reqs(row: dict[str, Any]) -> list[tuple[str, str, int]]:
    return [(q["label"], q["kind"], q["min_count"]) for q in row["requirements"]]


def test_merged_title_rows_and_vertical_merges(tmp_path: Path, any_library: Library) -> None:
    library = any_library
    parsed = read_workbook(ff.merged_county(tmp_path / "区任务分解表.xlsx"))
    assert parsed.name == "××区创建全国文明城市测评体系任务分解表"
    assert parsed.warnings == []
    report = import_framework(library, parsed)
    assert (report.created, report.standards, report.indicators) == (True, 5, 14)
    assert report.units == 12
    rows = overview(library)
    got = [(r["code"], r["title"], r["path"], r["score"], r["method"], r["lead_unit"].split("、"),
            r["units"], reqs(r)) for r in rows]
    assert got == [tuple(e) for e in ff.MERGED_COUNTY_STANDARDS]
    assert [r["seq"] for r in rows] == [1, 2, 3, 4, 5]
    assert tree(library)[:4] == [
        ("1", "牢固的思想道德基础", "版块", 0), ("1.1", "理想信念教育", "测评项目", 1),
        ("1.1.1", "学习宣贯党的创新理论", "测评内容", 2),
        ("1.1.1.1", "制定理论学习计划及实施方案", "测评标准", 3)]
    with library.session() as s:
        roles = s.execute(
            select(Unit.name, Assignment.role).join(Assignment, Assignment.unit_id == Unit.id)
            .join(Indicator, Indicator.id == Assignment.indicator_id)
            .where(Indicator.code == "1.1.1.1").order_by(Assignment.id)).all()
        # Assignments only on standards: units merged over a 测评内容 are its standards' units.
        parents_with_units = s.scalar(
            select(Assignment.id).join(Indicator, Indicator.id == Assignment.indicator_id)
            .where(Indicator.is_standard.is_(False)).limit(1))
    assert [tuple(r) for r in roles] == [
        ("区委宣传部", ROLE_LEAD), ("区委办公室", ROLE_RESPONSIBLE),
        ("区委组织部", ROLE_RESPONSIBLE), ("区委党校", ROLE_RESPONSIBLE)]
    assert parents_with_units is None


def test_two_row_header_blank_means_same_as_above_explicit_codes(
        tmp_path: Path, library: Library) -> None:
    path = ff.two_row_blank(tmp_path / "任务清单.xlsx")
    preview = inspect_workbook(path)
    assert preview.header_rows == [2, 3]
    assert preview.mapping == {"序号": "A", "版块": "B", "测评项目": "C", "测评内容": "D",
                               "测评标准": "E", "分值": "F", "牵头单位": "G", "责任单位": "H",
                               "佐证资料": "I"}
    assert preview.headers["G"] == "牵头部门" and preview.headers["H"] == "配合单位"
    assert preview.problems == []
    assert preview.columns == list("ABCDEFGHI") and preview.sheet == "Sheet1"
    parsed = read_workbook(path)
    assert (parsed.name, parsed.version) == ("2024年度全国文明城市创建任务清单", "2024")
    assert parsed.warnings == []
    import_framework(library, parsed)
    rows = overview(library)
    got = [(r["code"], r["title"], r["path"], r["score"], r["lead_unit"].split("、"), r["units"],
            reqs(r)) for r in rows]
    assert got == [tuple(e) for e in ff.TWO_ROW_BLANK_STANDARDS]
    # Parents take the common prefix of their children's explicit codes.
    assert [(c, t) for c, t, _n, _d in tree(library) if _n != "测评标准"] == [
        ("1", "公平正义的法治环境"), ("1.1", "法治宣传"), ("1.1.1", "开展法治宣传教育"),
        ("1.1.2", "维护公民合法权益"), ("1.2", "权益保护"), ("1.2.1", "未成年人保护")]


def test_block_rows_formulas_without_results_and_inline_lead(
        tmp_path: Path, library: Library) -> None:
    parsed = read_workbook(ff.block_rows(tmp_path / "县任务表.xlsx"))
    assert parsed.sheets == ["任务表"]  # 填表说明 skipped
    assert parsed.warnings == []
    import_framework(library, parsed)
    rows = overview(library)
    got = [(r["code"], r["seq"], r["title"], r["path"], r["lead_unit"].split("、"), r["units"])
           for r in rows]
    assert got == [tuple(e) for e in ff.BLOCK_ROWS_STANDARDS]
    assert [(c, t, n) for c, t, n, d in tree(library) if d == 0] == [
        ("1", "牢固的思想道德基础", "版块"), ("2", "健康向上的人文环境", "版块")]
    with library.session() as s:
        scores = s.execute(select(Indicator.title, Indicator.score)
                           .where(Indicator.level == 0).order_by(Indicator.position)).all()
    assert [tuple(r) for r in scores] == [("牢固的思想道德基础", 30.0), ("健康向上的人文环境", 20.0)]


def test_one_sheet_per_block_codes_in_titles(tmp_path: Path, library: Library) -> None:
    path = ff.multi_sheet(tmp_path / "分版块.xlsx")
    parsed = read_workbook(path)
    assert parsed.sheets == ["思想道德", "政务环境"]  # notes and the hidden sheet skipped
    import_framework(library, parsed)

    def nest(lib: Library) -> list[Any]:
        with lib.session() as s:
            rows = s.execute(select(Indicator.id, Indicator.parent_id, Indicator.code,
                                    Indicator.title).order_by(Indicator.position)).all()
        kids: dict[Any, list[Any]] = {}
        for r in rows:
            kids.setdefault(r.parent_id, []).append(r)

        def build(pid: Any) -> list[Any]:
            return [(r.code, r.title, build(r.id)) for r in kids.get(pid, [])]
        return build(None)

    assert nest(library) == ff.MULTI_SHEET_TREE
    rows = {r["code"]: r for r in overview(library)}
    assert rows["1.1.1.1"]["method"] == "实地考察、网上申报"
    assert rows["1.1.1.1"]["units"] == ["区文明办", "区城管局"]
    assert reqs(rows["1.1.1.1"]) == [("点位照片", "photo", 5)]
    assert rows["1.1.1.2"]["units"] == ["区融媒体中心"]
    preview = inspect_workbook(path)
    assert [(s.name, s.used) for s in preview.sheets] == [
        ("填表说明", False), ("辅助", False), ("思想道德", True), ("政务环境", True)]


def test_filled_down_heading_rows_merged_standard_and_score(
        tmp_path: Path, library: Library) -> None:
    parsed = read_workbook(ff.fill_down(tmp_path / "测评体系.xlsx"))
    assert parsed.warnings == ["工作表“测评体系”：已跳过说明或合计行 A8"]
    import_framework(library, parsed)
    rows = overview(library)
    got = [(r["code"], r["seq"], r["title"], r["score"], r["method"], r["lead_unit"],
            r["units"], reqs(r)) for r in rows]
    assert got == [
        ("1.1.1.1", 1, "图书馆免费开放", None, "实地考察", "区文旅局",
         ["区文旅局", "区图书馆", "各街道"], [("服务台账", "table", 1)]),
        ("1.1.1.2", 2, "开展全民阅读活动", None, "网上申报", "区文旅局",
         ["区文旅局", "区图书馆", "各街道"], [("活动方案", "plan", 1), ("活动照片", "photo", 6)]),
        ("1.1.2.1", 3, "送戏下乡每年不少于20场", 2.0, "网上申报", "区文旅局",
         ["区文旅局", "各街道"], [("演出记录", "record", 1)]),
    ]
    with library.session() as s:
        content_score = s.scalar(select(Indicator.score).where(Indicator.title == "图书馆服务"))
    assert content_score == 4.0  # the score merged over its two standards


@pytest.mark.parametrize("builder", [ff.merged_county, ff.two_row_blank, ff.block_rows,
                                     ff.multi_sheet, ff.fill_down, ff.numbered_blocks])
def test_reimporting_the_same_workbook_changes_nothing(
        tmp_path: Path, any_library: Library, builder: Any) -> None:
    library = any_library
    path = builder(tmp_path / "t.xlsx")
    import_framework(library, read_workbook(path))
    before = tree(library), overview(library)
    report = import_framework(library, read_workbook(path))
    assert (report.added, report.removed, report.changed) == ([], [], [])
    assert report.unchanged == report.indicators
    assert (tree(library), overview(library)) == before


def test_hand_typed_table_with_numbered_blocks_and_total_row(
        tmp_path: Path, library: Library) -> None:
    parsed = read_workbook(ff.numbered_blocks(tmp_path / "2025.xlsx"))
    assert (parsed.name, parsed.version) == ("××区2025年创建全国文明城市测评体系任务分解表", "2025")
    assert parsed.warnings == ["工作表“2025年任务分解”：已跳过说明或合计行 A11、A12"]
    import_framework(library, parsed)
    got = [(r["code"], r["seq"], r["title"], r["path"], r["score"], r["method"], r["units"],
            reqs(r)) for r in overview(library)]
    assert got == [
        ("1.1.1.1", 1, "理论学习中心组每季度至少开展1次专题学习",
         ["牢固的思想道德基础", "理想信念教育", "学习宣传贯彻"], 2.0, "网上申报",
         ["区委宣传部", "区委办", "区委组织部"],
         [("学习计划", "plan", 1), ("学习记录", "record", 4), ("照片", "photo", 3)]),
        ("1.1.1.2", 2, "建设新时代文明实践所（站）",
         ["牢固的思想道德基础", "理想信念教育", "学习宣传贯彻"], 3.0, "实地考察",
         ["区文明办", "各街道", "各乡镇"], [("文明实践站点清单", "table", 1),
                                     ("活动照片", "photo", 3)]),
        ("2.1.1.1", 3, "公共图书馆免费开放", ["健康向上的人文环境", "公共文化", "图书馆"], 2.0,
         "实地考察", ["区文旅局", "区图书馆"], [("开放制度", "document", 1),
                                        ("服务统计表", "table", 1)]),
    ]
    assert [(c, t, n) for c, t, n, d in tree(library) if d == 0] == [
        ("1", "牢固的思想道德基础", "版块"), ("2", "健康向上的人文环境", "版块")]

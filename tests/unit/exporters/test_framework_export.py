"""The framework written back as a task-decomposition workbook, and read back unchanged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from archive.errors import CivLedgerError, NotFoundError
from archive.framework_io import read_workbook
from archive.framework_update import import_framework
from archive.frameworks import IndicatorSpec, create_framework, standards_overview
from archive.library import Library
from archive.models import Framework, Indicator
from archive.requirement_text import RequirementSpec
from exporters.framework_workbook import export_framework, export_units
from main import main
from tests.unit.archive import framework_fixtures as ff


def snapshot(lib: Library) -> dict[str, Any]:
    with lib.session() as s:
        fw = s.scalar(select(Framework))
        assert fw is not None
        nodes = [tuple(r) for r in s.execute(
            select(Indicator.code, Indicator.title, Indicator.level_name, Indicator.level,
                   Indicator.score, Indicator.is_standard).order_by(Indicator.position))]
        standards = [{k: v for k, v in r.items() if k != "id"} for r in standards_overview(s)]
        return {"name": fw.name, "version": fw.version, "nodes": nodes, "standards": standards}


def round_trip(lib: Library, tmp_path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    out = tmp_path / "导出.xlsx"
    export_framework(lib, out)
    fresh = Library.create(tmp_path / "fresh")
    try:
        import_framework(fresh, read_workbook(out))
        return snapshot(lib), snapshot(fresh)
    finally:
        fresh.close()


def test_sample_framework_round_trip(sample_library: Library, tmp_path: Path) -> None:
    before, after = round_trip(sample_library, tmp_path)
    assert len(before["standards"]) == 37
    assert after == before


@pytest.mark.parametrize("builder", [ff.merged_county, ff.two_row_blank, ff.block_rows,
                                     ff.multi_sheet, ff.fill_down, ff.numbered_blocks])
def test_imported_layouts_round_trip(builder: Any, library: Library, tmp_path: Path) -> None:
    import_framework(library, read_workbook(builder(tmp_path / "原表.xlsx")))
    before, after = round_trip(library, tmp_path)
    assert after == before


def test_irregular_tree_support_units_and_given_requirements(library: Library,
                                                             tmp_path: Path) -> None:
    # A standard directly under the root has a bare number as its code ("1"), which a 序号
    # column means as its running number; it comes first so that both agree.
    roots = [
        IndicatorSpec(title="直接挂在根上的标准", score=1.5),
        IndicatorSpec(title="思想道德", score=30, children=[
            IndicatorSpec(title="未分项目的标准", method="实地考察", lead_units=["区文明办"],
                          support_units=["区妇联"]),
            IndicatorSpec(title="道德建设", children=[
                IndicatorSpec(title="道德讲堂", children=[
                    IndicatorSpec(title="建设道德讲堂", score=2, lead_units=["区文明办"],
                                  units=["各街道"], requirement_text="按要求提供",
                                  requirements=[RequirementSpec("讲堂照片", "photo", 4),
                                                RequirementSpec("活动记录", "record", 1)]),
                ]),
            ]),
        ]),
    ]
    with library.session() as s:
        create_framework(s, "不规则的体系", roots, version="2024")
    before, after = round_trip(library, tmp_path)
    assert after == before
    assert before["standards"][2]["requirements"] == [
        {"label": "讲堂照片", "kind": "photo", "min_count": 4},
        {"label": "活动记录", "kind": "record", "min_count": 1}]


def test_workbook_shape(sample_library: Library, tmp_path: Path) -> None:
    out = tmp_path / "体系.xlsx"
    result = export_framework(sample_library, out)
    assert result["standards"] == 37
    ws = openpyxl.load_workbook(out).active
    assert [c.value for c in ws[3]] == ["序号", "版块", "测评项目", "测评内容", "测评标准", "分值",
                                        "测评方法", "牵头单位", "责任单位", "佐证资料"]
    assert ws.freeze_panes == "A4"
    assert ws.print_title_rows == "$3:$3"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.column_dimensions["E"].width == 46
    assert ws["E4"].alignment.wrap_text
    with sample_library.session() as s:
        rows = standards_overview(s)
    # 版块 cells merged over each block's standards, 测评内容 over each content's.
    blocks: list[tuple[str, int]] = []
    for r in rows:
        if not blocks or blocks[-1][0] != r["path"][0]:
            blocks.append((r["path"][0], 1))
        else:
            blocks[-1] = (blocks[-1][0], blocks[-1][1] + 1)
    merged_b = sorted((m.min_row, m.max_row) for m in ws.merged_cells.ranges
                      if m.min_col == m.max_col == 2)
    expected, start = [], 4
    for _title, n in blocks:
        if n > 1:
            expected.append((start, start + n - 1))
        start += n
    assert merged_b == expected
    assert ws["B4"].value == "牢固的思想道德基础（30分）"
    assert ws["E4"].value == rows[0]["title"] and ws["A4"].value == rows[0]["code"]
    assert ws["I4"].value == "、".join(rows[0]["units"][1:])


def test_export_without_framework_and_bad_target(library: Library, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="还没有测评体系"):
        export_framework(library, tmp_path / "x.xlsx")
    with library.session() as s:
        create_framework(s, "体系", [IndicatorSpec(title="标准")])
    with pytest.raises(CivLedgerError, match="应以 .xlsx 结尾"):
        export_framework(library, tmp_path / "x.txt")
    with pytest.raises(CivLedgerError, match="不存在"):
        export_framework(library, tmp_path / "没有的文件夹" / "x.xlsx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lib"]  # nothing half-written


def test_units_export_counts(sample_library: Library, tmp_path: Path) -> None:
    out = tmp_path / "单位.xlsx"
    assert export_units(sample_library, out)["units"] > 0
    ws = openpyxl.load_workbook(out).active
    header = [c.value for c in ws[1]]
    assert header == ["序号", "单位", "简称", "联络员", "电话", "牵头标准数", "承担标准数"]
    with sample_library.session() as s:
        rows = standards_overview(s)
    lead_counts: dict[str, int] = {}
    all_counts: dict[str, int] = {}
    for r in rows:
        lead_counts[r["lead_unit"]] = lead_counts.get(r["lead_unit"], 0) + 1
        for u in r["units"]:
            all_counts[u] = all_counts.get(u, 0) + 1
    got = {row[1]: (row[5], row[6]) for row in ws.iter_rows(min_row=2, values_only=True)}
    assert got["区委宣传部"] == (lead_counts["区委宣传部"], all_counts["区委宣传部"])


def test_cli_export(sample_library: Library, tmp_path: Path,
                    capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "测评体系.xlsx"
    assert main(["--library", str(sample_library.root), "framework", "export", str(out),
                 "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["standards"] == 37 and out.exists()

"""Workbooks the importer must refuse, each with a message naming file, sheet and cell; column
mappings; legacy .xls; formulas with and without saved results."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from archive.errors import CivLedgerError
from archive.framework_io import (
    MappingError,
    WorkbookError,
    inspect_workbook,
    parse_mapping,
    read_workbook,
)
from archive.framework_io.cells import text_of
from main import main
from tests.unit.archive import framework_fixtures as ff


def _book(path: Path, rows: list[list[object]], merges: tuple[str, ...] = (),
          title: str = "Sheet1") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    for rng in merges:
        ws.merge_cells(rng)
    wb.save(str(path))
    return path


def test_password_protected_workbook(tmp_path: Path) -> None:
    path = ff.encrypted_xlsx(tmp_path / "加密任务表.xlsx")
    with pytest.raises(WorkbookError) as err:
        read_workbook(path)
    assert "加密任务表.xlsx" in str(err.value) and "密码" in str(err.value)


@pytest.mark.parametrize("make,expected", [
    (lambda p: p.write_bytes(b""), "0 字节"),
    (lambda p: p.write_bytes(b"\x00garbage" * 50), "不是有效的 Excel 工作簿"),
    (lambda p: p.write_bytes(ff.merged_county(p.with_name("ok.xlsx")).read_bytes()[:700]),
     "已损坏"),
])
def test_corrupt_or_empty_files(tmp_path: Path, make: object, expected: str) -> None:
    path = tmp_path / "坏文件.xlsx"
    make(path)  # type: ignore[operator]
    with pytest.raises(WorkbookError) as err:
        read_workbook(path)
    assert "坏文件.xlsx" in str(err.value) and expected in str(err.value)


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "假表.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "不是工作簿")
    with pytest.raises(WorkbookError, match="假表.xlsx.*损坏"):
        read_workbook(path)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(WorkbookError, match="找不到该文件"):
        read_workbook(tmp_path / "没有.xlsx")
    with pytest.raises(WorkbookError, match="文件夹"):
        read_workbook(tmp_path)


def test_empty_workbook(tmp_path: Path) -> None:
    path = tmp_path / "空表.xlsx"
    Workbook().save(str(path))
    with pytest.raises(WorkbookError) as err:
        read_workbook(path)
    assert str(err.value) == "文件“空表.xlsx”：工作簿中没有任何内容（所有工作表都是空的）。"


def test_sheet_without_recognisable_header(tmp_path: Path) -> None:
    path = _book(tmp_path / "流水.xlsx", [["日期", "金额"], ["2024-01-01", 30]], title="流水账")
    with pytest.raises(WorkbookError) as err:
        read_workbook(path)
    msg = str(err.value)
    assert msg.startswith("文件“流水.xlsx”，工作表“流水账”，单元格 A1：")
    assert "找不到表头" in msg and "日期" in msg and "--map" in msg


def test_missing_standard_column_lists_headers_seen(tmp_path: Path) -> None:
    path = _book(tmp_path / "t.xlsx", [["××表"], ["序号", "测评项目", "考评细则", "牵头单位"],
                                      [1, "甲", "乙", "区文明办"]])
    with pytest.raises(WorkbookError) as err:
        read_workbook(path)
    msg = str(err.value)
    assert "工作表“Sheet1”，单元格 A2" in msg and "找不到“测评标准”列" in msg
    assert "C“考评细则”" in msg and "--map 测评标准=" in msg
    preview = inspect_workbook(path)
    assert preview.mapping == {"序号": "A", "测评项目": "B", "牵头单位": "D"}
    assert preview.problems and "找不到“测评标准”列" in preview.problems[0]


def test_explicit_mapping_by_letter_and_by_header_text(tmp_path: Path) -> None:
    path = _book(tmp_path / "t.xlsx", [["序号", "测评项目", "考评细则", "主办", "协办"],
                                      [1, "甲", "标准一", "区文明办", "区民政局、团区委"]])
    mapping = parse_mapping(["测评标准=C", "牵头单位=主办", "责任单位=E"])
    parsed = read_workbook(path, mapping=mapping)
    std = parsed.roots[0].children[0]
    assert (std.title, std.lead_units, std.units) == ("标准一", ["区文明办"], ["区民政局", "团区委"])
    assert parsed.mapping["Sheet1"] == {"序号": "A", "测评项目": "B", "测评标准": "C",
                                       "牵头单位": "D", "责任单位": "E"}
    preview = inspect_workbook(path, mapping=mapping)
    assert preview.ok and preview.samples[0]["测评标准"] == "标准一"


@pytest.mark.parametrize("pairs,expected", [
    (["测评标准"], "应写成 字段=列"),
    (["考核=D"], "字段“考核”无法识别"),
    (["测评标准=不存在"], "既不是列号"),
])
def test_bad_mappings(tmp_path: Path, pairs: list[str], expected: str) -> None:
    path = _book(tmp_path / "t.xlsx", [["序号", "测评标准"], [1, "甲"]])
    with pytest.raises(MappingError, match=expected):
        read_workbook(path, mapping=parse_mapping(pairs))


def test_overlapping_merged_ranges(tmp_path: Path) -> None:
    path = _book(tmp_path / "重叠.xlsx", [["序号", "测评标准", "牵头单位"], [1, "甲", "乙"],
                                         [2, "丙", "丁"]], merges=("A2:B3", "B3:C4"),
                 title="任务")
    with pytest.raises(WorkbookError) as err:
        read_workbook(path)
    msg = str(err.value)
    assert msg.startswith("文件“重叠.xlsx”，工作表“任务”，单元格 B3：")
    assert "A2:B3" in msg and "B3:C4" in msg and "重叠" in msg


def test_header_without_any_standard(tmp_path: Path) -> None:
    path = _book(tmp_path / "t.xlsx", [["序号", "测评标准", "牵头单位"], [None, None, "区文明办"]])
    with pytest.raises(WorkbookError, match="单元格 B1：表头下面没有任何测评标准"):
        read_workbook(path)


def test_unknown_sheet_is_named(tmp_path: Path) -> None:
    path = ff.merged_county(tmp_path / "t.xlsx")
    with pytest.raises(WorkbookError, match="没有名为“二〇二五”的工作表.*任务分解"):
        read_workbook(path, sheet="二〇二五")


def test_legacy_xls_is_read(tmp_path: Path) -> None:
    parsed = read_workbook(ff.legacy_xls(tmp_path / "旧表.xls"))
    assert (parsed.name, parsed.version) == ("××区创文任务分解表（2019版）", "2019")
    (block,) = parsed.roots
    assert (block.code, block.title, block.score) == ("1", "思想道德建设", 40.0)
    (item,) = block.children
    assert item.title == "道德讲堂"
    assert [(s.code, s.seq, s.title, s.lead_units) for s in item.children] == [
        ("1.1.1", 1, "建设道德讲堂", ["区文明办"]),
        ("1.1.2", 2, "开展身边好人评选", ["区文明办", "区总工会"])]


def test_damaged_xls_asks_to_save_as_xlsx(tmp_path: Path) -> None:
    good = ff.legacy_xls(tmp_path / "旧表.xls").read_bytes()
    bad = tmp_path / "坏旧表.xls"
    bad.write_bytes(good[:512] + b"\xff" * (len(good) - 512))
    with pytest.raises(WorkbookError, match="坏旧表.xls.*另存为 .xlsx"):
        read_workbook(bad)


def test_formulas_use_saved_results_else_simple_ones_are_computed(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["序号", "测评标准", "分值", "牵头单位"],
        ["=ROW()-1", "标准一", "=1+2", "区文明办"],
        ["=A2+1", '=B2&"（续）"', "=SUM(C2,2)", "=D2"],
        ["=ROW()-1", "标准三", "=VLOOKUP(1,A1:B2,2)", "区民政局"],
    ]
    path = _book(tmp_path / "公式.xlsx", rows)
    parsed = read_workbook(path)
    got = [(s.seq, s.title, s.score, s.lead_units) for s in parsed.roots]
    assert got == [(1, "标准一", 3.0, ["区文明办"]), (2, "标准一（续）", 5.0, ["区文明办"]),
                   (3, "标准三", None, ["区民政局"])]
    assert len(parsed.warnings) == 1 and "C4" in parsed.warnings[0]
    assert "没有保存计算结果" in parsed.warnings[0]
    # With results saved by Excel, those win (here deliberately different from the formula).
    ff.with_cached_values(path, {"A2": "7", "C4": "9"})
    parsed = read_workbook(path)
    assert [(s.seq, s.score) for s in parsed.roots] == [(7, 3.0), (2, 5.0), (3, 9.0)]
    assert parsed.warnings == []


def test_cell_values_as_text() -> None:
    import datetime as dt

    assert [text_of(v) for v in (1.0, 2.5, 3, dt.datetime(2024, 3, 1), dt.date(2024, 3, 2),
                                 "  区委\u3000宣传部 ", "１２３", None, True)] == [
        "1", "2.5", "3", "2024-03-01", "2024-03-02", "区委 宣传部", "123", "", "是"]


def test_cli_reports_the_error_and_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                             library: object) -> None:
    path = ff.encrypted_xlsx(tmp_path / "加密.xlsx")
    lib_dir = tmp_path / "lib"
    assert main(["--library", str(lib_dir), "framework", "import", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：文件“加密.xlsx”：") and "密码" in err
    assert issubclass(WorkbookError, CivLedgerError)


def test_cli_inspect_then_import_with_mapping(tmp_path: Path, library: object,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    import json

    path = _book(tmp_path / "自定义表头.xlsx", [["序号", "测评项目", "考评细则", "主办"],
                                               [1, "甲", "标准一", "区文明办"]])
    lib = str(tmp_path / "lib")
    assert main(["--library", lib, "framework", "inspect", str(path)]) == 1
    out = capsys.readouterr().out
    assert "找不到“测评标准”列" in out and "C“考评细则”" in out
    assert main(["--library", lib, "framework", "import", str(path)]) == 2
    capsys.readouterr()
    assert main(["--library", lib, "framework", "import", str(path), "--map", "测评标准=C",
                 "--map", "牵头单位=D", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["framework"], data["standards"], data["indicators"], data["units"]) == (
        "自定义表头", 1, 2, 1)
    assert data["warnings"] == [] and data["created"] is True

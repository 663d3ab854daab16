"""The Excel 督办表, the Word 督办通知 and the ``check`` command, read back as a clerk would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from docx import Document as WordDocument
from openpyxl import load_workbook

from archive.check import run_check
from exporters.todo_notices import NOTICE_TITLE, write_notices
from exporters.todo_workbook import (
    FINDING_HEADERS,
    FINDINGS_SHEET,
    MAX_SHEET_NAME,
    STANDARD_HEADERS,
    STANDARDS_SHEET,
    SUMMARY_SHEET,
    UNIT_HEADERS,
    sheet_title,
    write_todo_workbook,
)
from main import main
from tests.unit.check.conftest import LEAD_2, PERIOD, RESP_1, Ledger


@pytest.fixture(scope="module")
def report(ledger: Ledger) -> dict:
    return run_check(ledger.lib, PERIOD).as_json()


@pytest.fixture(scope="module")
def workbook(ledger: Ledger, report: dict, tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("xlsx") / "督办表.xlsx"
    write_todo_workbook(report, path, files_root=ledger.lib.store.root)
    return load_workbook(path)


def _rows(ws, first: int) -> list[tuple]:
    return [r for r in ws.iter_rows(min_row=first, values_only=True) if any(r)]


def test_workbook_has_summary_lists_and_one_sheet_per_unit(workbook, report: dict) -> None:
    units = [u["name"] for u in report["units"]]
    assert workbook.sheetnames == [SUMMARY_SHEET, STANDARDS_SHEET, FINDINGS_SHEET, *units]


def test_unit_sheet_is_a_printable_todo_list(workbook, report: dict) -> None:
    unit = next(u for u in report["units"] if u["name"] == LEAD_2)
    ws = workbook[LEAD_2]
    assert LEAD_2 in ws["A1"].value and PERIOD in ws["A1"].value
    assert tuple(c.value for c in ws[3]) == UNIT_HEADERS
    rows = _rows(ws, 4)
    open_standards = [s for s in unit["standards"] if s["status"] != "complete"]
    open_findings = [f for f in unit["findings"] if not f["accepted"]]
    assert len(rows) == len(open_standards) + len(open_findings)
    col = {h: i for i, h in enumerate(UNIT_HEADERS)}
    todo = {r[col["测评标准编号"]]: r for r in rows if r[col["事项"]] == "补充资料"}
    assert set(todo) == {s["code"] for s in open_standards}
    assert "整治方案（需 1 份，已有 0）" in todo["2.1.1.1"][col["需补充的资料或需改正的问题"]]
    fixes = [r for r in rows if r[col["事项"]] == "改正问题"]
    assert sorted(r[col["当前状态"]] for r in fixes) == sorted(f["kind_label"]
                                                              for f in open_findings)
    assert all(r[col["完成时限"]] is None and r[col["完成情况"]] is None for r in rows)
    assert ws.freeze_panes == "A4"
    assert ws.auto_filter.ref.startswith("A3:J")
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.page_setup.fitToWidth == 1
    # files to fix link to the stored copy; the sheet links back to the summary
    links = [c.hyperlink.target for c in ws["H"][3:] if c.hyperlink is not None]
    assert len(links) == len(open_findings)
    assert all(Path(link.removeprefix("file://")).exists() for link in links)
    assert ws.cell(row=2, column=len(UNIT_HEADERS)).hyperlink.location == f"'{SUMMARY_SHEET}'!A1"


def test_summary_links_every_unit_to_its_sheet(workbook, report: dict) -> None:
    ws = workbook[SUMMARY_SHEET]
    links = {c.value: c.hyperlink.location for c in ws["A"] if c.hyperlink is not None}
    assert links == {u["name"]: f"'{u['name']}'!A1" for u in report["units"]}
    values = [c.value for c in ws["B"]]
    assert report["summary"]["standards"] in values and report["summary"]["findings"] in values
    assert ws.auto_filter.ref  # the unit table filters


def test_standards_and_findings_sheets_list_everything(workbook, report: dict) -> None:
    ws = workbook[STANDARDS_SHEET]
    assert tuple(c.value for c in ws[1]) == STANDARD_HEADERS and ws.freeze_panes == "A2"
    assert [r[0] for r in _rows(ws, 2)] == [s["code"] for s in report["standards"]]
    ws = workbook[FINDINGS_SHEET]
    assert tuple(c.value for c in ws[1]) == FINDING_HEADERS and ws.auto_filter.ref
    rows = _rows(ws, 2)
    assert [(r[2], r[7]) for r in rows] == [(f["document_id"], f["message"])
                                            for f in report["findings"]]
    state = FINDING_HEADERS.index("处理状态")
    assert [r[state] for r in rows].count("已接受") == report["summary"]["accepted"]


def test_sheet_names_obey_excel_rules() -> None:
    taken = [SUMMARY_SHEET]
    long = "某某市某某区人民政府某某街道办事处社区建设与精神文明建设工作领导小组办公室"
    names = []
    for name in ("区委:宣传部[办]", "'团区委'", "汇总", long, long, "A/B\\C*?", "history"):
        title = sheet_title(name, taken)
        taken.append(title)
        names.append(title)
    assert all(len(n) <= MAX_SHEET_NAME for n in names)
    assert not any(ch in n for n in names for ch in "[]:*?/\\")
    assert len({n.casefold() for n in taken}) == len(taken)
    assert names[0] == "区委_宣传部_办_" and names[1] == "团区委" and names[2] == "汇总(2)"
    assert names[3] == long[:MAX_SHEET_NAME] and names[4].endswith("(2)")
    assert names[6] != "history"


def test_workbook_with_long_and_clashing_unit_names(report: dict, tmp_path: Path) -> None:
    data = json.loads(json.dumps(report))
    data["units"][0]["name"] = data["units"][1]["name"] = "区委/宣传部:综合科" * 4
    data["units"][1]["short_name"] = ""
    write_todo_workbook(data, tmp_path / "x.xlsx")
    names = load_workbook(tmp_path / "x.xlsx").sheetnames
    assert len(names) == 3 + len(data["units"]) and len(set(names)) == len(names)


def test_one_notice_per_unit_with_something_to_do(report: dict, tmp_path: Path) -> None:
    data = json.loads(json.dumps(report))
    idle = data["units"][-1]
    idle["open_standards"] = idle["open_findings"] = 0
    paths = write_notices(data, tmp_path / "通知", issuer="区创文办")
    busy = [u for u in data["units"] if u["open_standards"] or u["open_findings"]]
    assert len(paths) == len(busy) == len(data["units"]) - 1
    assert not any(idle["name"] in p.name for p in paths)
    for unit, path in zip(busy, paths, strict=True):
        assert unit["name"] in path.name and path.suffix == ".docx"
        doc = WordDocument(str(path))
        text = [p.text for p in doc.paragraphs]
        assert text[0] == NOTICE_TITLE and text[1] == f"{unit['name']}："
        assert "区创文办" in text
        cells = [" ".join(c.text for c in row.cells) for t in doc.tables for row in t.rows]
        for s in unit["standards"]:
            if s["status"] != "complete":
                assert any(s["code"] in c and s["missing_text"] in c for c in cells)
        for f in unit["findings"]:
            if not f["accepted"]:
                assert any(f["message"] in c for c in cells)


def test_notice_lists_what_the_unit_must_supply(report: dict, tmp_path: Path) -> None:
    paths = write_notices(report, tmp_path)
    path = next(p for p in paths if RESP_1 in p.name)
    tables = WordDocument(str(path)).tables
    supply = [[c.text for c in row.cells] for row in tables[0].rows]
    assert supply[0] == ["序号", "测评标准", "职责", "缺少的资料"]
    assert [r[1].split()[0] for r in supply[1:]] == ["1.1.1.2"]
    assert "活动照片（需 2 张，已有 0）" in supply[1][3] and "1 件不能作为佐证" in supply[1][3]
    fixes = [[c.text for c in row.cells] for row in tables[1].rows][1:]
    assert {r[2] for r in fixes} == {"重复资料", "日期不在年度内", "照片缺少说明"}


# -- the command line -------------------------------------------------------------------------
def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_check_command_json_and_files(ledger: Ledger, report: dict, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    root = str(ledger.lib.root)
    code, out, _ = _run(capsys, "--library", root, "check", "--period", PERIOD, "--json",
                        "--xlsx", str(tmp_path / "a.xlsx"), "--docx", str(tmp_path / "n"))
    assert code == 0
    data = json.loads(out)
    assert {"period", "summary", "standards", "findings", "units", "score"} <= set(data)
    assert data["standards"] == report["standards"] and data["findings"] == report["findings"]
    for s in data["standards"]:
        assert {"code", "title", "status", "requirements"} <= set(s)
        assert all({"label", "min_count", "found"} <= set(r) for r in s["requirements"])
    for f in data["findings"]:
        assert {"kind", "document_id", "source_path", "message", "accepted"} <= set(f)
    assert Path(data["xlsx"]).exists() and len(data["docx"]) == len(
        [u for u in data["units"] if u["open_standards"] or u["open_findings"]])


def test_check_command_text_for_a_unit(ledger: Ledger,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "--library", str(ledger.lib.root), "check", "--period", PERIOD,
                        "--unit", RESP_1)
    assert code == 0
    assert out.startswith(f"{PERIOD} 年度（{RESP_1}）：测评标准 2 条")
    assert "1.1.1.2" in out and "2.1.1.1" not in out
    assert "【照片缺少说明】1 件待处理" in out and "宣讲照片.jpg" in out


def test_accept_and_unaccept_from_the_command_line(fresh_ledger: Ledger,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    root, doc = str(fresh_ledger.lib.root), fresh_ledger["宣讲照片.jpg"]
    code, out, _ = _run(capsys, "--library", root, "check", "accept", "photo_caption",
                        f"doc:{doc}", "--reason", "照片说明见活动总结")
    assert code == 0 and "已接受" in out
    code, out, _ = _run(capsys, "--library", root, "check", "accepted", "--json")
    assert json.loads(out)["accepted"][0]["reason"] == "照片说明见活动总结"
    code, out, _ = _run(capsys, "--library", root, "check", "--period", PERIOD, "--json")
    caption = next(f for f in json.loads(out)["findings"]
                   if f["document_id"] == doc and f["kind"] == "photo_caption")
    assert caption["accepted"]
    code, out, _ = _run(capsys, "--library", root, "check", "unaccept", "photo_caption",
                        str(doc))
    assert code == 0 and "撤销" in out


@pytest.mark.parametrize("argv", [
    ["check"],
    ["check", "--period", "1999"],
    ["check", "--period", PERIOD, "--unit", "不存在的单位"],
    ["check", "accept", "nonsense", "1", "--reason", "x"],
])
def test_check_command_errors_are_clear(ledger: Ledger, capsys: pytest.CaptureFixture[str],
                                        argv: list[str]) -> None:
    code, _, err = _run(capsys, "--library", str(ledger.lib.root), *argv)
    assert code == 2 and err.startswith("错误：")

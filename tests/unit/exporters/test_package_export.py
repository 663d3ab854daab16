"""Exporting a ledger with awkward names, long titles, duplicates and classified items, then
reading the package back: paths, names, catalogue, forms, photo sheet, manifest, verification."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pytest
from sqlalchemy import update

from archive.documents import link_standard, standard_by_code, update_document
from archive.importer import import_paths
from archive.library import Library
from archive.models import Conclusion, Document, File
from exporters.package import export_package, verify_package
from exporters.package.catalog import HEADERS
from exporters.package.manifest import INCOMPLETE_MARKER, TAG_FILES, parse_bag_info, read_manifest
from exporters.package.names import PATH_BUDGET, utf16_len, windows_problem
from exporters.package.report import ExportReport
from tests.factories import AWKWARD_LONG_TITLE, make_awkward_evidence, with_sample_framework

DAY = dt.date(2023, 11, 20)
ORG = "清源区文明办"
SEARCH_TEXT = "本次宣讲覆盖全区十二个街道，受众达到三千余人次。"
CONCLUSION = "本标准已全面落实：制定了学习计划和实施方案，中心组按月开展专题学习。"


@dataclass
class Ledger:
    lib: Library
    ids: dict[str, int]  # source path → document id
    root: Path


def build_ledger(root: Path) -> Ledger:
    """A sample-framework library holding the awkward evidence of ``tests.factories``."""
    lib = with_sample_framework(Library.create(root / "lib"))
    lib.set_setting("organisation", ORG)
    src = make_awkward_evidence(root / "evidence")
    ids: dict[str, int] = {}
    for folder, code in (("std_a", "1.1.1.1"), ("std_b", "1.1.1.2"), ("loose", None)):
        result = import_paths(lib, [src / folder], "2023", standard=code)
        assert not result.refused
        for entry in result.filed + result.unassigned:
            ids[f"{folder}/{entry['source_path']}"] = entry["document_id"]
    with lib.session() as s:
        update_document(s, ids["std_a/关于印发\"学习计划\"的通知：2023*第1号?.docx"],
                        doc_number="清宣〔2023〕1号", doc_date="2023-02-10", author="区委宣传部")
        update_document(s, ids["std_a/内部工作安排.docx"], classification="内部")
        update_document(s, ids["std_a/长题名的实施方案.pdf"], title=AWKWARD_LONG_TITLE)
        update_document(s, ids["std_a/已解密的通知.docx"], classification="秘密", released=True)
        for i in (1, 2, 3):
            update_document(s, ids[f"std_a/活动照片{i}.jpg"], doc_date=f"2023-05-0{i}",
                            caption=f"2023年5月{i}日，区委宣传部在新华社区开展第{i}次理论宣讲")
        link_standard(s, ids["std_b/宣讲工作方案.docx"], standard_by_code(s, "1.1.1.1").id)
        std = standard_by_code(s, "1.1.1.1")
        period_id = s.get(Document, ids["std_a/CON.docx"]).period_id
        s.add(Conclusion(indicator_id=std.id, period_id=period_id, text=CONCLUSION))

        def set_file(doc_key: str, **values: object) -> None:
            file_id = s.get(Document, ids[doc_key]).file_id
            s.execute(update(File).where(File.id == file_id).values(**values))

        # What extraction (the search issue) would have filled in.
        set_file("std_a/宣讲情况通报.docx", text=f"宣讲情况通报\n{SEARCH_TEXT}", status="ok")
        set_file("std_a/情况报告.docx", text="秘密★1年\n情况报告\n（正文首行标有密级）",
                 status="ok")
        set_file("std_a/长题名的实施方案.pdf", page_count=2, text="实施方案正文\f第二页",
                 status="ok")
    return Ledger(lib, ids, root)


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    led = build_ledger(tmp_path_factory.mktemp("ledger"))
    yield led
    led.lib.close()


@pytest.fixture(scope="module")
def exported(ledger: Ledger) -> tuple[ExportReport, Path]:
    out = ledger.root / "迎检资料"
    report = export_package(ledger.lib, "2023", out, today=DAY)
    return report, out


def package_files(root: Path) -> list[str]:
    out = []
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            out.append(os.path.relpath(os.path.join(dirpath, name), root).replace(os.sep, "/"))
    return sorted(out)


def doc_path(report: ExportReport, ledger: Ledger, key: str) -> list[str]:
    """Package paths of the document imported from ``key`` (one per standard it is filed in)."""
    wanted = ledger.ids[key]
    manifest = read_manifest(report.out_dir) or {}
    data = (report.out_dir / "index-data.js").read_text("utf-8")
    docs = json.loads(data[data.index("=") + 1:].rstrip().rstrip(";"))["docs"]
    paths = [d["f"] for d in docs if d["i"] == wanted]
    assert all(p in manifest for p in paths)
    return paths


def test_export_succeeds_and_is_verified(exported: tuple[ExportReport, Path]) -> None:
    report, out = exported
    assert report.ok, report.as_json()
    assert report.verified and not report.problems and not report.error
    assert not (out / INCOMPLETE_MARKER).exists()
    assert report.files == len(read_manifest(out) or {})
    assert sorted(report.written) == sorted(read_manifest(out) or {})


def test_every_path_fits_windows(exported: tuple[ExportReport, Path]) -> None:
    _report, out = exported
    files = package_files(out)
    assert files
    for rel in files:
        assert utf16_len(rel) <= PATH_BUDGET, rel
        for part in rel.split("/"):
            assert windows_problem(part) is None, rel
    keys = [unicodedata_key(f) for f in files]
    assert len(keys) == len(set(keys))


def unicodedata_key(path: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFC", path).casefold()


def test_layout_is_period_block_item_standard(exported: tuple[ExportReport, Path]) -> None:
    _report, out = exported
    files = package_files(out)
    std_dirs = {f.rsplit("/", 1)[0] for f in files if f.startswith("2023/")}
    assert len(std_dirs) == 37  # every standard of the sample framework has its folder and form
    assert all(d.count("/") == 3 for d in std_dirs)
    first = next(d for d in std_dirs if "/1.1.1.1 " in d)
    block, item, std = first.split("/")[1:]
    assert block == "1 牢固的思想道德基础" and item == "1.1 建立牢固的思想道德基础"
    assert std.startswith("1.1.1.1 制定理论学习计划及实施方案") and std.endswith("…")
    names = [Path(f).name for f in files if "/1.1.1.2 " in f]
    assert names == ["000-测评材料提交表.docx", "001-宣讲工作方案.docx", "002-宣讲活动记录.pdf"]


def test_awkward_names_are_repaired_and_listed(exported: tuple[ExportReport, Path],
                                               ledger: Ledger) -> None:
    report, out = exported
    [forbidden] = doc_path(report, ledger, 'std_a/关于印发"学习计划"的通知：2023*第1号?.docx')
    assert re.fullmatch(r"\d{3}-关于印发＂学习计划＂的通知：2023＊第1号？\.docx",
                        forbidden.rsplit("/", 1)[1])
    [con] = doc_path(report, ledger, "std_a/CON.docx")
    assert re.fullmatch(r"\d{3}-CON\.docx", con.rsplit("/", 1)[1])
    [dots] = doc_path(report, ledger, "std_a/工作总结...pdf")
    assert re.fullmatch(r"\d{3}-工作总结\.pdf", dots.rsplit("/", 1)[1])
    [long] = doc_path(report, ledger, "std_a/长题名的实施方案.pdf")
    assert long.endswith("….pdf") and utf16_len(long) <= PATH_BUDGET
    assert (out / long).read_bytes()[:5] == b"%PDF-"
    reasons = {r["document_id"]: r["reasons"] for r in report.renamed}
    assert reasons[ledger.ids['std_a/关于印发"学习计划"的通知：2023*第1号?.docx']] == [
        "forbidden_chars"]
    assert reasons[ledger.ids["std_a/工作总结...pdf"]] == ["trailing_dots"]
    assert reasons[ledger.ids["std_a/长题名的实施方案.pdf"]] == ["shortened"]
    assert ledger.ids["std_a/CON.docx"] not in reasons


def test_duplicate_titles_both_exported(exported: tuple[ExportReport, Path],
                                        ledger: Ledger) -> None:
    report, out = exported
    [one] = doc_path(report, ledger, "std_a/一组/会议纪要.pdf")
    [two] = doc_path(report, ledger, "std_a/二组/会议纪要.pdf")
    assert one != two
    assert one.endswith("-会议纪要.pdf") and two.endswith("-会议纪要.pdf")
    assert (out / one).read_bytes() != (out / two).read_bytes()


def test_document_in_two_standards_is_in_both_folders(exported: tuple[ExportReport, Path],
                                                      ledger: Ledger) -> None:
    report, out = exported
    paths = doc_path(report, ledger, "std_b/宣讲工作方案.docx")
    assert len(paths) == 2
    assert {p.split("/")[3].split(" ")[0] for p in paths} == {"1.1.1.1", "1.1.1.2"}
    assert (out / paths[0]).read_bytes() == (out / paths[1]).read_bytes()


def test_classified_documents_are_held_back(exported: tuple[ExportReport, Path],
                                            ledger: Ledger) -> None:
    report, out = exported
    held = {h.document_id: h for h in report.held_back}
    for key in ("std_a/机密 干部考察材料.docx", "std_a/内部工作安排.docx", "std_a/情况报告.docx"):
        assert held[ledger.ids[key]].kind == "classified", key
    assert held[ledger.ids["loose/扫描件0001.pdf"]].kind == "unassigned"
    assert len(held) == 4
    assert "机密" in held[ledger.ids["std_a/机密 干部考察材料.docx"]].reason
    assert "秘密" in held[ledger.ids["std_a/情况报告.docx"]].reason
    everything = "\n".join(package_files(out))
    for title in ("干部考察材料", "工作安排", "情况报告", "扫描件0001"):
        assert title not in everything
    data = (out / "index-data.js").read_text("utf-8") + (out / "index-text.js").read_text("utf-8")
    assert "干部考察材料" not in data and "正文首行标有密级" not in data
    # released by the clerk: exported, and said so
    assert report.released == [ledger.ids["std_a/已解密的通知.docx"]]
    assert doc_path(report, ledger, "std_a/已解密的通知.docx")


def test_catalog_xlsx_rows(exported: tuple[ExportReport, Path], ledger: Ledger) -> None:
    from openpyxl import load_workbook

    report, out = exported
    ws = load_workbook(out / "资料目录.xlsx").active
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    assert ws.page_setup.orientation == "landscape"
    body = rows[1:]
    assert len(body) == report.placements
    assert [r[0] for r in body] == list(range(1, len(body) + 1))
    by_title = {r[4]: r for r in body}
    notice = by_title['关于印发"学习计划"的通知：2023*第1号?']
    assert notice[2] == "清宣〔2023〕1号" and notice[3] == "区委宣传部"
    assert notice[5] == "20230210" and notice[6] == "公开" and notice[9] == "1.1.1.1"
    assert re.fullmatch(r"2023-D30-1\.1\.1\.1-\d{3}", notice[1])
    assert by_title[AWKWARD_LONG_TITLE][7] == 2  # 页数
    assert "已批准公开" in by_title["已解密的通知"][8]
    assert "同时归入" in next(r for r in body if r[4] == "宣讲工作方案")[8]
    for row_cells in ws.iter_rows(min_row=2):
        link = row_cells[len(HEADERS) - 1].hyperlink
        assert link is not None
        assert (out / unquote(link.target)).is_file(), link.target


def test_catalog_docx_is_a4_landscape_table(exported: tuple[ExportReport, Path]) -> None:
    from docx import Document as Docx
    from docx.shared import Cm

    report, out = exported
    doc = Docx(str(out / "资料目录.docx"))
    section = doc.sections[0]
    assert section.page_width > section.page_height
    assert abs(section.page_width - Cm(29.7)) < Cm(0.1)
    [table] = doc.tables
    assert [c.text for c in table.rows[0].cells] == HEADERS[:-1]
    assert len(table.rows) == report.placements + 1
    titles = {row.cells[4].text for row in table.rows[1:]}
    assert AWKWARD_LONG_TITLE in titles and "会议纪要" in titles


def test_submission_form(exported: tuple[ExportReport, Path]) -> None:
    from docx import Document as Docx

    _report, out = exported
    [form] = [f for f in package_files(out) if "/1.1.1.1 " in f and f.endswith("测评材料提交表.docx")]
    doc = Docx(str(out / form))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    fields = {row[0]: row[1] for row in cells if len(row) == 2}
    assert fields["测评标准编号"] == "1.1.1.1"
    assert fields["测评标准"].startswith("制定理论学习计划及实施方案")
    assert fields["牵头单位"] == "区委宣传部"
    assert "区委组织部" in fields["责任单位"]
    assert "活动照片不少于3张" in fields["佐证资料要求"]
    evidence = [row for row in cells if len(row) == 6][1:]
    titles = [row[1] for row in evidence]
    assert AWKWARD_LONG_TITLE in titles and "宣讲工作方案" in titles
    assert "干部考察材料" not in titles
    assert next(row for row in evidence if row[1] == AWKWARD_LONG_TITLE)[4] == "2"
    assert CONCLUSION in text
    assert "测评材料提交表" in text


def test_photo_sheet_two_photos_a_page_with_captions(exported: tuple[ExportReport, Path]) -> None:
    from docx import Document as Docx

    _report, out = exported
    [sheet] = [f for f in package_files(out) if f.endswith("照片资料.docx")]
    assert "/1.1.1.1 " in sheet
    doc = Docx(str(out / sheet))
    assert len(doc.inline_shapes) == 3
    text = "\n".join(p.text for p in doc.paragraphs)
    for i in (1, 2, 3):
        assert f"区委宣传部在新华社区开展第{i}次理论宣讲" in text
    breaks = doc.element.body.xml.count('w:type="page"')
    assert breaks == 1  # three photos: two on the first page, one on the second


def test_manifest_and_bag_info(exported: tuple[ExportReport, Path]) -> None:
    report, out = exported
    assert (out / "bagit.txt").read_text("utf-8").startswith("BagIt-Version: 1.0\n")
    manifest = read_manifest(out) or {}
    files = [f for f in package_files(out) if f not in TAG_FILES]
    assert sorted(manifest) == files
    for rel, sha in manifest.items():
        assert hashlib.sha256((out / rel).read_bytes()).hexdigest() == sha
    info = parse_bag_info((out / "bag-info.txt").read_text("utf-8"))
    assert info["Source-Organization"] == ORG
    assert info["Period"] == "2023"
    assert info["Document-Count"] == str(report.documents)
    assert info["Held-Back-Count"] == "4"
    total = sum((out / f).stat().st_size for f in files)
    assert info["Payload-Oxum"] == f"{total}.{len(files)}"
    tags = read_manifest(out, "tagmanifest-sha256.txt") or {}
    assert set(tags) == {"bagit.txt", "bag-info.txt", "manifest-sha256.txt"}


def test_verify_passes_then_detects_tampering(exported: tuple[ExportReport, Path],
                                              tmp_path: Path) -> None:
    _report, out = exported
    assert verify_package(out)["ok"]
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    victim = next(f for f in package_files(copy) if f.endswith(".pdf"))
    data = bytearray((copy / victim).read_bytes())
    data[len(data) // 2] ^= 0x01  # one changed byte
    (copy / victim).write_bytes(bytes(data))
    result = verify_package(copy)
    assert not result["ok"]
    assert [(p["kind"], p["path"]) for p in result["problems"]] == [("altered", victim)]

    gone = next(f for f in package_files(copy) if f.endswith(".jpg"))
    (copy / gone).unlink()
    (copy / "2023" / "新增文件.txt").write_text("evaluators' note", "utf-8")
    (copy / "Thumbs.db").write_bytes(b"windows thumbnail cache")  # ignored
    result = verify_package(copy)
    assert sorted((p["kind"], p["path"]) for p in result["problems"]) == sorted([
        ("altered", victim), ("missing", gone), ("unexpected", "2023/新增文件.txt")])


def test_verify_refuses_an_incomplete_package(exported: tuple[ExportReport, Path],
                                              tmp_path: Path) -> None:
    _report, out = exported
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    (copy / "manifest-sha256.txt").unlink()
    result = verify_package(copy)
    assert not result["ok"] and result["problems"][0]["kind"] == "incomplete"

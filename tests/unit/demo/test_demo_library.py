"""The demo library: one command builds three years of realistic evidence with real defects."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from archive.demo import DEFECT_KINDS, build_demo, plan_demo, write_sources
from archive.demo.files import encrypted_pdf_bytes, stamp_zip
from archive.documents import list_documents
from archive.errors import Cancelled
from archive.frameworks import standards_overview
from archive.hooks import documents_changed
from archive.library import Library
from archive.markings import classified_marking
from archive.models import Document, DocumentStandard, File, Period, Unit
from archive.progress import CancelToken, ProgressEvent
from main import main

DOCS = 60
SEED = 7


ARCHIVE_ONLY = ("archive.commands", "archive.demo_commands")


@contextlib.contextmanager
def only_subscriber(fn: Any) -> Iterator[None]:
    """Let ``fn`` be the only follower of ``documents_changed`` for a while: these tests are about
    the demo, not about whichever index another test session loaded."""
    saved = list(documents_changed._subscribers)
    documents_changed._subscribers[:] = [fn]
    try:
        yield
    finally:
        documents_changed._subscribers[:] = saved


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A demo library of 60 documents, generated sources kept beside it."""
    base = tmp_path_factory.mktemp("demo")
    root, sources = base / "lib", base / "sources"
    notified: list[int] = []

    def record(_lib: Library, ids: list[int]) -> None:
        notified.extend(ids)

    with only_subscriber(record):
        report = build_demo(root, documents=DOCS, seed=SEED, sources=sources)
    lib = Library.open(root)
    yield {"root": root, "sources": sources, "report": report.as_json(), "lib": lib,
           "notified": notified}
    lib.close()


def cli(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    """``python main.py …`` with the archive's commands only (no index follows the changes)."""
    import main as main_module

    monkeypatch.setattr(main_module, "COMMAND_MODULES", ARCHIVE_ONLY)
    with only_subscriber(lambda _lib, _ids: None):
        return main(list(args))


def _docs(lib: Library) -> list[dict[str, Any]]:
    with lib.session() as s:
        return list_documents(s)


def _stored(lib: Library, sha: str, ext: str) -> bytes:
    return lib.store.path_for(sha, ext).read_bytes()


def _by_path(lib: Library, ending: str) -> dict[str, Any]:
    hits = [d for d in _docs(lib) if d["source_path"].endswith(ending)]
    assert len(hits) == 1, (ending, hits)
    return hits[0]


def test_report_says_what_was_built(demo: dict[str, Any]) -> None:
    report = demo["report"]
    assert report["documents"] == DOCS
    assert report["standards"] == 37
    assert [p["label"] for p in report["periods"]] == ["2022", "2023", "2024"]
    assert sum(p["documents"] for p in report["periods"]) == DOCS
    assert report["refused"] == 2  # Thumbs.db and an Office lock file
    assert report["unassigned"] == 2
    assert set(report["defects"]) == set(DEFECT_KINDS)
    assert all(report["defects"][k] for k in DEFECT_KINDS), report["defects"]


def test_demo_command_prints_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(monkeypatch, "--library", str(tmp_path / "lib"), "demo", "--documents", "40",
               "--seed", "3", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["library"] == str(tmp_path / "lib")
    assert data["documents"] == 40 and data["seed"] == 3
    assert {p["label"] for p in data["periods"]} == {"2022", "2023", "2024"}
    assert data["defects"]["reserved_name"]
    assert cli(monkeypatch, "--library", str(tmp_path / "lib"), "documents", "list",
               "--json") == 0
    assert len(json.loads(capsys.readouterr().out)["documents"]) == 40


def test_demo_command_talks_to_a_clerk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(monkeypatch, "--library", str(tmp_path / "lib"), "demo", "--documents", "30") == 0
    text = capsys.readouterr().out
    assert "已生成示例资料库" in text and "文件 30 件" in text
    assert "扫描件（无文字层）：2 处" in text
    assert "documents list --period 2024" in text


def test_periods_list_json_has_the_campaign_year(demo: dict[str, Any],
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(monkeypatch, "--library", str(demo["root"]), "periods", "list", "--json") == 0
    periods = json.loads(capsys.readouterr().out)["periods"]
    assert periods == [
        {"label": "2022", "start": "2022-01-01", "end": "2022-12-31"},
        {"label": "2023", "start": "2023-01-01", "end": "2023-07-31"},
        {"label": "2024", "start": "2023-08-01", "end": "2024-07-31"},
    ]


def test_every_period_has_documents_and_units_have_contacts(demo: dict[str, Any]) -> None:
    with demo["lib"].session() as s:
        counts = dict(s.execute(select(Period.label, func.count(Document.id))
                                .join(Document, Document.period_id == Period.id)
                                .group_by(Period.label)).all())
        units = s.execute(select(Unit.contact, Unit.phone)).all()
    assert set(counts) == {"2022", "2023", "2024"}
    assert all(n >= 10 for n in counts.values())
    assert units and all(contact and phone for contact, phone in units)


def test_files_land_where_the_plan_says(demo: dict[str, Any]) -> None:
    """Folder names ("1.1.4.1 …", "06 …", bare titles, block folders, the unit zip) map to the
    standard the plan intended; the plan is checked against the importer, not assumed."""
    docs = {(d["period"], d["source_path"]): d for d in _docs(demo["lib"])}
    lib = demo["lib"]
    with lib.session() as s:
        standards = standards_overview(s)
        units = list(s.scalars(select(Unit.name).order_by(Unit.id)))
    plan = plan_demo(standards, units, DOCS, SEED)
    assert plan.documents == DOCS
    # A file put under two standards is one document; whichever copy the importer met first
    # gave it its source path.
    twins = {(plan.items[i.copy_of].period, plan.items[i.copy_of].path): i for i in plan.items
             if "duplicate_link" in i.defects and i.copy_of is not None}
    for item in plan.items:
        if not item.document:
            continue
        doc = docs.get((item.period, item.path))
        if doc is None:
            twin = twins[(item.period, item.path)]
            doc = docs[(twin.period, twin.path)]
            assert twin.standard in doc["standards"]
        if item.standard is None:
            assert doc["standards"] == []
        else:
            assert item.standard in doc["standards"]
    styles = {p.split("/")[0].split(" ")[0] for (_, p) in docs}
    assert any(re.fullmatch(r"\d+(\.\d+){3}", s) for s in styles)  # by code
    assert any(re.fullmatch(r"\d\d", s) for s in styles)  # by sequence number


def test_gbk_zip_from_a_unit_is_filed_with_its_unit(demo: dict[str, Any]) -> None:
    zipped = [d for d in _docs(demo["lib"]) if ".zip/" in d["source_path"]]
    assert zipped
    for d in zipped:
        unit = d["source_path"].split("/")[1].removesuffix(".zip")
        assert d["unit"] == unit
        assert re.search(r"[\u4e00-\u9fff]", d["source_path"].split(".zip/")[1])
    zips = list(demo["sources"].rglob("*.zip"))
    with zipfile.ZipFile(zips[0]) as zf:
        assert all(not info.flag_bits & 0x800 for info in zf.infolist())  # GBK, no UTF-8 flag


def test_defective_files_are_really_defective(demo: dict[str, Any]) -> None:
    import pymupdf

    lib = demo["lib"]
    empty = _by_path(lib, "会议签到表.docx")
    assert empty["size"] == 0
    corrupt = _by_path(lib, "工作总结.pdf")
    # MuPDF either gives up or rebuilds the cross-reference table of a cut-off file.
    try:
        with pymupdf.open(stream=_stored(lib, corrupt["sha256"], "pdf"), filetype="pdf") as pdf:
            assert pdf.is_repaired
    except pymupdf.FileDataError:
        pass
    scans = [d for d in _docs(lib) if "扫描件" in d["source_path"]]
    assert len(scans) == 2
    for scan in scans:
        with pymupdf.open(stream=_stored(lib, scan["sha256"], "pdf"), filetype="pdf") as pdf:
            assert "".join(page.get_text() for page in pdf).strip() == ""
            assert pdf[0].get_images()
    locked = _by_path(lib, "考核结果（加密）.pdf")
    with pymupdf.open(stream=_stored(lib, locked["sha256"], "pdf"), filetype="pdf") as pdf:
        assert pdf.needs_pass
    assert _by_path(lib, "/CON.docx")["size"] > 0
    assert any(len(d["title"]) > 100 for d in _docs(lib))
    assert _by_path(lib, "关于开展志愿服务活动的通知..docx")["title"] == "关于开展志愿服务活动的通知"


def test_classified_marking_is_in_the_header_but_not_recorded(demo: dict[str, Any]) -> None:
    from docx import Document as Docx

    doc = _by_path(demo["lib"], "创建工作督查情况通报.docx")
    word = Docx(io.BytesIO(_stored(demo["lib"], doc["sha256"], "docx")))
    header = word.sections[0].header.paragraphs[0].text
    assert classified_marking(header) == "秘密"
    assert doc["classification"] == "公开"


def test_reused_files_and_shared_content(demo: dict[str, Any]) -> None:
    with demo["lib"].session() as s:
        periods_per_file = s.execute(
            select(Document.file_id, func.count(func.distinct(Document.period_id)))
            .group_by(Document.file_id)).all()
        links = s.execute(select(DocumentStandard.document_id, func.count())
                          .group_by(DocumentStandard.document_id)).all()
    assert sum(1 for _, n in periods_per_file if n > 1) >= 2  # last year's files handed in again
    assert any(n > 1 for _, n in links)  # one file under two standards


def test_out_of_period_dates(demo: dict[str, Any]) -> None:
    from PIL import Image

    lib = demo["lib"]
    with lib.session() as s:
        bounds = {p.label: (p.start, p.end) for p in s.scalars(select(Period))}
    notice = _by_path(lib, "关于开展文明创建集中攻坚行动的通知.docx")
    assert dt.date.fromisoformat(notice["doc_date"]) < bounds[notice["period"]][0]
    early_photos = []
    for d in _docs(lib):
        if d["ext"] != "jpg":
            continue
        exif = Image.open(io.BytesIO(_stored(lib, d["sha256"], "jpg"))).getexif()
        stamp = exif.get_ifd(0x8769).get(0x9003)
        assert stamp, d["source_path"]  # every phone photo has its EXIF date
        taken = dt.datetime.strptime(stamp, "%Y:%m:%d %H:%M:%S").date()
        start, end = bounds[d["period"]]
        if not start <= taken <= end:
            early_photos.append(d)
    assert early_photos


def test_catalogue_and_captions_filled_for_most_not_all(demo: dict[str, Any]) -> None:
    lib = demo["lib"]
    with lib.session() as s:
        photos = s.execute(select(Document.caption).where(Document.kind == "photo")).scalars().all()
    assert any(c == "" for c in photos)
    assert any(re.match(r"\d{4}年\d{1,2}月\d{1,2}日，", c) for c in photos)
    numbers = [d["doc_number"] for d in _docs(lib) if d["doc_number"]]
    assert numbers and all(re.fullmatch(r"\S+〔\d{4}〕\d+号", n) for n in numbers)
    assert any(d["doc_date"] is None and d["ext"] == "docx" for d in _docs(lib))


def test_missing_and_partial_standards(demo: dict[str, Any]) -> None:
    report = demo["report"]
    docs = _docs(demo["lib"])
    filed = {(d["period"], code) for d in docs for code in d["standards"]}
    for entry in report["defects"]["missing_standard"]:
        period, code = entry.split(" ")
        assert (period, code) not in filed
    for entry in report["defects"]["partial_standard"]:
        period, code = entry.split(" ")
        assert (period, code) in filed


def test_hook_told_about_every_new_document(demo: dict[str, Any]) -> None:
    with demo["lib"].session() as s:
        ids = set(s.scalars(select(Document.id)))
    assert set(demo["notified"]) == ids


def _hashes(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_gives_byte_identical_files(demo: dict[str, Any], tmp_path: Path) -> None:
    lib = demo["lib"]
    with lib.session() as s:
        standards = standards_overview(s)
        units = list(s.scalars(select(Unit.name).order_by(Unit.id)))
    again = write_sources(plan_demo(standards, units, DOCS, SEED), tmp_path / "again")
    assert _hashes(tmp_path / "again") == _hashes(demo["sources"])
    other = write_sources(plan_demo(standards, units, DOCS, SEED + 1), tmp_path / "other")
    theirs = _hashes(tmp_path / "other")
    assert theirs != _hashes(demo["sources"])
    assert again.files == len(_hashes(demo["sources"]))
    assert other.files == len(theirs)


def test_zip_stamp_fixes_entry_times_without_recompressing() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", "<w:document/>" * 50)
        zf.writestr("docProps/core.xml", "<cp:coreProperties/>")
    when = dt.datetime(2023, 5, 12, 9, 30, 14)
    stamped = stamp_zip(buf.getvalue(), when)
    with zipfile.ZipFile(io.BytesIO(stamped)) as zf:
        assert zf.testzip() is None
        assert {i.date_time for i in zf.infolist()} == {(2023, 5, 12, 9, 30, 14)}
        assert zf.read("word/document.xml") == b"<w:document/>" * 50


def test_encrypted_pdf_opens_with_its_password_only() -> None:
    import pymupdf

    data = encrypted_pdf_bytes(["创建工作考核结果"], "123456", bytes(range(16)))
    assert data == encrypted_pdf_bytes(["创建工作考核结果"], "123456", bytes(range(16)))
    with pymupdf.open(stream=data, filetype="pdf") as pdf:
        assert pdf.needs_pass
        assert not pdf.authenticate("654321")
        assert pdf.authenticate("123456")
        assert "创建工作考核结果" in pdf[0].get_text()


def test_cancel_removes_the_half_built_library(tmp_path: Path) -> None:
    token = CancelToken()

    def progress(event: ProgressEvent) -> None:
        if event.done >= 20:
            token.cancel()

    with pytest.raises(Cancelled), only_subscriber(lambda _lib, _ids: None):
        build_demo(tmp_path / "lib", documents=40, seed=2, progress=progress, cancel=token)
    assert not (tmp_path / "lib").exists()


def test_a_failing_index_leaves_the_finished_library(tmp_path: Path) -> None:
    def broken_index(_lib: Library, _ids: list[int]) -> None:
        raise RuntimeError("索引出错")

    with pytest.raises(RuntimeError), only_subscriber(broken_index):
        build_demo(tmp_path / "lib", documents=30, seed=4)
    with Library.open(tmp_path / "lib") as lib, lib.session() as s:
        assert s.scalar(select(func.count()).select_from(Document)) == 30


def test_refuses_a_folder_that_is_not_empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "资料"
    target.mkdir()
    (target / "工作总结.docx").write_bytes(b"keep me")
    assert cli(monkeypatch, "--library", str(target), "demo", "--documents", "40") == 2
    assert "不是空文件夹" in capsys.readouterr().err
    assert [p.name for p in target.iterdir()] == ["工作总结.docx"]


def test_too_few_documents_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(monkeypatch, "--library", str(tmp_path / "lib"), "demo", "--documents", "5") == 2
    assert "至少需要" in capsys.readouterr().err
    assert not (tmp_path / "lib").exists()


def test_stored_content_matches_the_sources(demo: dict[str, Any]) -> None:
    """What was filed is exactly what was generated (no file lost or altered on the way)."""
    lib = demo["lib"]
    with lib.session() as s:
        stored = set(s.scalars(select(File.sha256)))
    on_disk = {h for p, h in _hashes(demo["sources"]).items() if not p.endswith(".zip")}
    junk = {hashlib.sha256(p.read_bytes()).hexdigest() for p in demo["sources"].rglob("*")
            if p.name in ("Thumbs.db", "~$工作总结.docx")}
    assert on_disk - junk <= stored

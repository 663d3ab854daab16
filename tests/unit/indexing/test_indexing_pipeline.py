"""The indexing stage on a real library: statuses in the database, proposals, crash and resume,
incremental updates through the hook, and an index that is only a cache."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from ix_factories import fake_target, make_encrypted_office, truncate
from sqlalchemy import select

from archive import trash
from archive.documents import update_document
from archive.hooks import documents_changed
from archive.importer import import_paths
from archive.library import Library
from archive.models import Document, File
from archive.progress import ProgressEvent
from indexing import index as search_index
from indexing import install_hooks, uninstall_hooks
from indexing.pipeline import extract_pending, process_documents, reset_files
from indexing.search import search
from tests.factories import (
    make_docx,
    make_encrypted_pdf,
    make_jpg,
    make_pdf,
    make_scanned_pdf,
    make_xlsx,
)


def _statuses(lib: Library) -> dict[str, tuple[str, str]]:
    with lib.session() as s:
        return {name: (status, reason) for name, status, reason in s.execute(
            select(File.original_name, File.status, File.status_reason))}


def test_every_status_lands_in_the_database(ledger: Library, tmp_path: Path) -> None:
    src = tmp_path / "src"
    make_docx(src / "ok.docx", title="东城街道垃圾分类工作方案", doc_number="区城管局〔2023〕8号",
              author="东城区城管局", date_text="2023年4月1日")
    (src / "empty.docx").write_bytes(b"")
    truncate(make_pdf(src / "cut.pdf", [f"第{i}页内容" for i in range(6)]), 0.7)
    make_encrypted_pdf(src / "locked.pdf")
    make_encrypted_office(src / "locked.docx")
    make_scanned_pdf(src / "scan.pdf")
    (src / "old.wps").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 600)
    make_jpg(src / "photo.jpg", dt.datetime(2023, 5, 6, 8))
    make_xlsx(src / "table.xlsx")
    import_paths(ledger, [src], "2023", standard="1.1.5.1")
    out = extract_pending(ledger)
    assert out["extracted"] == 9 and out["remaining"] == 0 and not out["cancelled"]
    got = _statuses(ledger)
    assert {k: v[0] for k, v in got.items()} == {
        "ok.docx": "ok", "empty.docx": "empty", "cut.pdf": "corrupt", "locked.pdf": "encrypted",
        "locked.docx": "encrypted", "scan.pdf": "no_text", "old.wps": "unsupported",
        "photo.jpg": "ok", "table.xlsx": "ok"}
    assert got["old.wps"][1].startswith("未提取文字：")
    assert all(reason for name, (status, reason) in got.items() if status != "ok")
    with ledger.session() as s:
        files = {f.original_name: f for f in s.scalars(select(File))}
        assert files["photo.jpg"].info == {"exif_date": "2023-05-06", "width": 64, "height": 48}
        assert files["cut.pdf"].info["repaired"] is True
        assert files["ok.docx"].extracted_at is not None
        assert files["scan.pdf"].page_count == 1
        doc = s.scalar(select(Document).join(File).where(File.original_name == "ok.docx"))
        assert (doc.title, doc.doc_number, doc.doc_date, doc.author) == (
            "东城街道垃圾分类工作方案", "区城管局〔2023〕8号", dt.date(2023, 4, 1), "东城区城管局")
    assert out["statuses"] == {"ok": 3, "empty": 1, "corrupt": 1, "encrypted": 2, "no_text": 1,
                               "unsupported": 1}
    assert [h.title for h in search(ledger, "区城管局〔2023〕8号")] == ["东城街道垃圾分类工作方案"]


def test_crashed_run_resumes_where_it_stopped(ledger: Library, tmp_path: Path) -> None:
    for n in range(8):
        make_docx(tmp_path / "src" / f"文件{n}.docx", title=f"第{n}号台账", paragraphs=[f"独有内容{n}号"])
    import_paths(ledger, [tmp_path / "src"], "2023")

    class Crash(Exception):
        pass

    def crash_after_three(event: ProgressEvent) -> None:
        if event.done == 3:
            raise Crash

    with pytest.raises(Crash):
        extract_pending(ledger, progress=crash_after_three, workers=1)
    with ledger.session() as s:
        done = {fid: at for fid, at in s.execute(select(File.id, File.extracted_at).where(
            File.status != "pending"))}
        pending = s.scalars(select(File.id).where(File.status == "pending")).all()
    assert len(done) == 3 and len(pending) == 5
    # The three finished files are searchable already: the index was committed with them.
    assert len(search(ledger, "独有内容")) == 3

    out = extract_pending(ledger, workers=1)
    assert out["extracted"] == 5
    with ledger.session() as s:
        again = {fid: at for fid, at in s.execute(select(File.id, File.extracted_at).where(
            File.id.in_(list(done))))}
        assert s.scalar(select(File.id).where(File.status == "pending")) is None
    assert again == done  # not extracted twice
    assert len(search(ledger, "独有内容")) == 8


def test_a_killed_worker_marks_only_its_file(ledger: Library, tmp_path: Path) -> None:
    make_docx(tmp_path / "src" / "crash.docx", title="会让解析器崩溃的文件")
    make_docx(tmp_path / "src" / "fine.docx", title="正常文件")
    import_paths(ledger, [tmp_path / "src"], "2023")
    extract_pending(ledger, target=fake_target("misbehave"))
    got = _statuses(ledger)
    assert got["crash.docx"][0] == "corrupt"
    assert got["fine.docx"][0] == "ok"


def test_hook_indexes_imports_edits_deletions_and_restores(ledger: Library,
                                                           tmp_path: Path) -> None:
    install_hooks()
    try:
        make_docx(tmp_path / "a.docx", title="幸福里社区文明餐桌倡议书")
        result = import_paths(ledger, [tmp_path / "a.docx"], "2023", standard="1.1.5.1")
        documents_changed(ledger, result.changed_document_ids)  # what the CLI import does
        (doc_id,) = result.new_document_ids
        assert [h.document_id for h in search(ledger, "文明餐桌")] == [doc_id]

        with ledger.session() as s:
            update_document(s, doc_id, caption="2023年5月 幸福里社区 志愿者 光盘行动")
        documents_changed(ledger, [doc_id])
        assert [h.document_id for h in search(ledger, "光盘行动")] == [doc_id]

        trash.delete_document(ledger, doc_id)
        documents_changed(ledger, [doc_id])
        assert search(ledger, "文明餐桌") == []

        trash.restore_document(ledger, doc_id)
        documents_changed(ledger, [doc_id])
        assert [h.document_id for h in search(ledger, "文明餐桌")] == [doc_id]
    finally:
        uninstall_hooks()


def test_process_documents_extracts_what_is_pending_among_them(ledger: Library,
                                                               tmp_path: Path) -> None:
    make_docx(tmp_path / "src" / "一.docx", title="甲乙丙丁文件")
    make_docx(tmp_path / "src" / "二.docx", title="戊己庚辛文件")
    result = import_paths(ledger, [tmp_path / "src"], "2023")
    first, second = sorted(result.new_document_ids)
    out = process_documents(ledger, [first])
    assert out["extracted"] == 1 and out["indexed"] == 1
    assert [h.document_id for h in search(ledger, "甲乙丙丁")] == [first]
    assert _statuses(ledger)["二.docx"][0] == "pending"


def test_missing_index_is_rebuilt_from_the_database(ledger: Library, tmp_path: Path) -> None:
    make_docx(tmp_path / "a.docx", title="背街小巷改造提升方案")
    import_paths(ledger, [tmp_path / "a.docx"], "2023")
    extract_pending(ledger)
    search_index.close(ledger)
    shutil.rmtree(ledger.index_dir)
    hits = search(ledger, "背街小巷")
    assert [h.title for h in hits] == ["背街小巷改造提升方案"]
    with ledger.session() as s:  # nothing was re-extracted
        assert s.scalar(select(File.status)) == "ok"


def test_broken_index_is_rebuilt(ledger: Library, tmp_path: Path) -> None:
    make_docx(tmp_path / "a.docx", title="公益广告刊播统计")
    import_paths(ledger, [tmp_path / "a.docx"], "2023")
    extract_pending(ledger)
    search_index.close(ledger)
    generation = next(p for p in ledger.index_dir.iterdir() if p.is_dir())
    for f in generation.iterdir():
        f.write_bytes(b"\0garbage")
    assert [h.title for h in search(ledger, "公益广告")] == ["公益广告刊播统计"]


def test_index_of_an_older_format_is_rebuilt(ledger: Library, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    make_docx(tmp_path / "a.docx", title="文明旅游宣传引导")
    import_paths(ledger, [tmp_path / "a.docx"], "2023")
    extract_pending(ledger)
    old = (ledger.index_dir / "current.json").read_text("utf-8")
    monkeypatch.setattr(search_index, "INDEX_FORMAT", search_index.INDEX_FORMAT + 1)
    search_index.close(ledger)
    assert [h.title for h in search(ledger, "文明旅游")] == ["文明旅游宣传引导"]
    assert (ledger.index_dir / "current.json").read_text("utf-8") != old
    assert len([p for p in ledger.index_dir.iterdir() if p.is_dir()]) == 1


def test_reconcile_repairs_entries_a_crash_left_stale(ledger: Library, tmp_path: Path) -> None:
    make_docx(tmp_path / "a.docx", title="城乡结合部环境整治")
    result = import_paths(ledger, [tmp_path / "a.docx"], "2023")
    extract_pending(ledger)
    (doc_id,) = result.new_document_ids
    # A change committed to the database that never reached the index (the process died).
    with ledger.session() as s:
        update_document(s, doc_id, title="城乡结合部环境卫生整治")
    assert search(ledger, "环境卫生") == []
    out = extract_pending(ledger)
    assert out["reconciled"] == {"updated": 1, "removed": 0}
    assert [h.document_id for h in search(ledger, "环境卫生")] == [doc_id]


def test_rebuild_is_cancellable_and_keeps_the_old_index(ledger: Library, tmp_path: Path) -> None:
    from archive.errors import Cancelled
    from archive.progress import CancelToken

    make_docx(tmp_path / "a.docx", title="移风易俗倡议")
    import_paths(ledger, [tmp_path / "a.docx"], "2023")
    extract_pending(ledger)
    cancel = CancelToken()
    cancel.cancel()
    with pytest.raises(Cancelled):
        search_index.rebuild(ledger, cancel=cancel)
    assert [h.title for h in search(ledger, "移风易俗")] == ["移风易俗倡议"]
    assert len([p for p in ledger.index_dir.iterdir() if p.is_dir()]) == 1


def test_reset_files_extracts_again(ledger: Library, tmp_path: Path) -> None:
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 600)
    import_paths(ledger, [tmp_path / "old.doc"], "2023")
    extract_pending(ledger)
    assert reset_files(ledger, ["unsupported"]) == 1
    assert _statuses(ledger)["old.doc"][0] == "pending"
    assert extract_pending(ledger)["extracted"] == 1


def test_cancel_keeps_what_was_done(ledger: Library, tmp_path: Path) -> None:
    from archive.progress import CancelToken

    for n in range(12):
        make_docx(tmp_path / "src" / f"文件{n}.docx", title=f"取消测试第{n}件")
    import_paths(ledger, [tmp_path / "src"], "2023")
    search_index.rebuild(ledger)  # so that the progress events below are extraction's
    cancel = CancelToken()

    def stop_after_two(event: ProgressEvent) -> None:
        if event.done >= 2:
            cancel.cancel()

    out = extract_pending(ledger, progress=stop_after_two, cancel=cancel, workers=1)
    assert out["cancelled"] is True
    assert out["extracted"] >= 2 and out["remaining"] == 12 - out["extracted"] > 0
    with ledger.session() as s:
        done = s.scalars(select(File.id).where(File.status == "ok")).all()
    assert len(done) == out["extracted"]
    assert len(search(ledger, "取消测试")) == out["extracted"]


def test_extract_and_search_on_each_database(any_library: Library, tmp_path: Path) -> None:
    """The indexing stage on SQLite and, when CI provides one, PostgreSQL."""
    make_docx(tmp_path / "src" / "a.docx", title="文明餐桌行动倡议", doc_number="区文明办〔2023〕9号")
    (tmp_path / "src" / "b.txt").write_bytes("光盘行动\x00记录".encode("gbk"))
    import_paths(any_library, [tmp_path / "src"], "2023")
    try:
        out = extract_pending(any_library)
        assert out["statuses"] == {"ok": 2}
        assert [h.title for h in search(any_library, "〔2023〕9号")] == ["文明餐桌行动倡议"]
        assert len(search(any_library, "光盘行动记录")) == 1
    finally:
        search_index.close(any_library)


def test_a_run_collects_garbage_sparingly_and_restores_the_collector(ledger: Library,
                                                                     tmp_path: Path) -> None:
    import gc

    make_docx(tmp_path / "src" / "a.docx", title="志愿服务活动记录")
    import_paths(ledger, [tmp_path / "src"], "2023", standard="1.1.5.1")
    threshold, frozen = gc.get_threshold(), gc.get_freeze_count()
    during: list[tuple[int, int]] = []

    def progress(event: ProgressEvent) -> None:
        if event.message == "提取文字":  # the extraction run's first event
            during.append((gc.get_threshold()[0], gc.get_freeze_count()))

    assert extract_pending(ledger, progress)["extracted"] == 1
    assert during and all(t >= 20_000 and f > frozen for t, f in during)
    assert gc.get_threshold() == threshold and gc.get_freeze_count() == frozen

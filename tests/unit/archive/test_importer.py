"""Filing evidence: folders, zips, mapping, duplicates, refusals, safety — on both databases."""

from __future__ import annotations

import datetime as dt
import errno
import os
from pathlib import Path

import pytest
from sqlalchemy import func, select

from archive.documents import list_documents, standard_by_code
from archive.errors import NotFoundError
from archive.importer import import_paths
from archive.library import Library
from archive.models import AuditEntry, Document, DocumentStandard, File
from archive.progress import CancelToken, ProgressEvent
from tests.factories import (
    jpeg_bytes,
    make_docx,
    make_jpg,
    make_pdf,
    make_xlsx,
    make_zip,
    with_sample_framework,
)


@pytest.fixture
def lib(any_library: Library) -> Library:
    return with_sample_framework(any_library)


def _ledger(tmp_path: Path) -> Path:
    """A folder tree laid out the way clerks collect it."""
    root = tmp_path / "2023年台账"
    make_docx(root / "05 我们的节日" / "活动方案.docx", title="“我们的节日”活动方案")
    make_jpg(root / "05 我们的节日" / "照片" / "春节.jpg", dt.datetime(2023, 1, 22, 10))
    make_pdf(root / "1.1.4.1 道德模范评选" / "评选通知.pdf", ["关于开展道德模范评选的通知"])
    make_xlsx(root / "建立志愿服务组织" / "统计表.xlsx")
    make_docx(root / "其他" / "说明.docx", title="情况说明")
    (root / "其他" / "空文件.docx").write_bytes(b"")
    (root / "其他" / "Thumbs.db").write_bytes(b"\0\0")
    return root


def test_folder_import_accounts_for_every_file(lib: Library, tmp_path: Path) -> None:
    root = _ledger(tmp_path)
    events: list[ProgressEvent] = []
    result = import_paths(lib, [root], "2023", progress=events.append)
    filed = {e["source_path"]: e["standards"] for e in result.filed}
    assert filed == {
        "05 我们的节日/活动方案.docx": ["1.1.3.2"],
        "05 我们的节日/照片/春节.jpg": ["1.1.3.2"],
        "1.1.4.1 道德模范评选/评选通知.pdf": ["1.1.4.1"],
        "建立志愿服务组织/统计表.xlsx": ["1.1.5.1"],
    }
    assert sorted(e["source_path"] for e in result.unassigned) == [
        "其他/空文件.docx", "其他/说明.docx"]
    assert [e["source_path"] for e in result.refused] == ["其他/Thumbs.db"]
    assert result.duplicates == []
    assert result.total == 7
    assert result.created_period == "2023"
    assert events[-1].done == events[-1].total == 7
    with lib.session() as s:
        docs = list_documents(s, period="2023")
        assert len(docs) == 6
        photo = next(d for d in docs if d["ext"] == "jpg")
        assert photo["kind"] == "photo"
        assert photo["status"] == "pending"  # extraction is a later stage
        empty = next(d for d in docs if d["title"] == "空文件")
        assert empty["size"] == 0  # 0-byte files are filed (the check flags them)
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == 6
    for doc in result.filed + result.unassigned:
        assert isinstance(doc["document_id"], int)


def test_every_stored_file_is_where_the_row_says(lib: Library, tmp_path: Path) -> None:
    import_paths(lib, [_ledger(tmp_path)], "2023")
    with lib.session() as s:
        for sha, ext, size in s.execute(select(File.sha256, File.ext, File.size)):
            path = lib.store.path_for(sha, ext)
            assert path.parent.parent.name == sha[:2] and path.parent.name == sha[2:4]
            assert path.name == f"{sha}.{ext}"
            assert path.stat().st_size == size


def test_reimport_reports_duplicates_and_stores_nothing_twice(lib: Library,
                                                              tmp_path: Path) -> None:
    root = _ledger(tmp_path)
    first = import_paths(lib, [root], "2023")
    again = import_paths(lib, [root], "2023")
    assert again.filed == [] and again.unassigned == []
    assert len(again.duplicates) == len(first.filed) + len(first.unassigned)
    ids = {e["source_path"]: e["document_id"] for e in first.filed + first.unassigned}
    for dup in again.duplicates:
        assert dup["document_id"] == ids[dup["source_path"]]
    with lib.session() as s:
        assert s.scalar(select(func.count()).select_from(Document)) == 6
        assert s.scalar(select(func.count()).select_from(File)) == 6


def test_same_content_under_another_standard_is_linked_not_stored_again(
    lib: Library, tmp_path: Path
) -> None:
    f = make_docx(tmp_path / "方案.docx")
    a = import_paths(lib, [f], "2023", standard="1.1.3.2")
    b = import_paths(lib, [f], "2023", standard="1.1.4.1")
    assert b.filed[0]["document_id"] == a.filed[0]["document_id"]
    assert b.filed[0]["standards"] == ["1.1.4.1"]
    with lib.session() as s:
        docs = list_documents(s)
        assert len(docs) == 1 and docs[0]["standards"] == ["1.1.3.2", "1.1.4.1"]
    # Another period is another ledger: a new document over the same stored content.
    c = import_paths(lib, [f], "2024", standard="1.1.3.2")
    assert c.filed[0]["document_id"] != a.filed[0]["document_id"]
    with lib.session() as s:
        assert s.scalar(select(func.count()).select_from(File)) == 1


def test_identical_files_in_one_run(lib: Library, tmp_path: Path) -> None:
    data = jpeg_bytes(dt.datetime(2023, 3, 1))
    for name in ("a.jpg", "b.jpg"):
        (tmp_path / "05 节日" / name).parent.mkdir(exist_ok=True)
        (tmp_path / "05 节日" / name).write_bytes(data)
    result = import_paths(lib, [tmp_path / "05 节日"], "2023")
    assert len(result.filed) == 1 and len(result.duplicates) == 1
    assert result.duplicates[0]["document_id"] == result.filed[0]["document_id"]


def test_gbk_zip_names_are_decoded_and_escapes_refused(lib: Library, tmp_path: Path) -> None:
    docx = make_docx(tmp_path / "src.docx").read_bytes()
    z = make_zip(tmp_path / "东城街道报送.zip", {
        "05 我们的节日/活动总结.docx": docx,
        "../逃逸.txt": b"x",
        "/etc/evil.txt": b"y",
    }, gbk=True)
    result = import_paths(lib, [z], "2023")
    assert [e["source_path"] for e in result.filed] == [
        "东城街道报送.zip/05 我们的节日/活动总结.docx"]
    assert result.filed[0]["standards"] == ["1.1.3.2"]
    refused = {e["source_path"]: e["reason"] for e in result.refused}
    assert set(refused) == {"东城街道报送.zip/../逃逸.txt", "东城街道报送.zip//etc/evil.txt"}
    assert all("包外" in r for r in refused.values())


def test_zip_inside_a_folder_is_expanded_and_a_broken_zip_refused(lib: Library,
                                                                  tmp_path: Path) -> None:
    make_zip(tmp_path / "in" / "照片.zip", {"a.jpg": jpeg_bytes()})
    (tmp_path / "in" / "坏.zip").write_bytes(b"PK\x03\x04 not really")
    result = import_paths(lib, [tmp_path / "in"], "2023")
    assert [e["source_path"] for e in result.unassigned] == ["照片.zip/a.jpg"]
    assert result.refused[0]["source_path"] == "坏.zip"
    assert "压缩包无法打开" in result.refused[0]["reason"]


def test_explicit_standard_and_unit(lib: Library, tmp_path: Path) -> None:
    f = make_pdf(tmp_path / "x" / "总结.pdf")
    result = import_paths(lib, [tmp_path / "x"], "2023", standard="1.1.2.1", unit="区委宣传部")
    assert result.filed[0]["standards"] == ["1.1.2.1"]
    with lib.session() as s:
        doc = s.get(Document, result.filed[0]["document_id"])
        assert doc is not None and doc.unit is not None and doc.unit.name == "区委宣传部"
        assert doc.source_path == "总结.pdf" and f.exists()


def test_unit_folders_are_recognised(lib: Library, tmp_path: Path) -> None:
    make_docx(tmp_path / "收集" / "团区委" / "05 节日" / "方案.docx")
    result = import_paths(lib, [tmp_path / "收集"], "2023")
    with lib.session() as s:
        doc = s.get(Document, result.filed[0]["document_id"])
        assert doc is not None and doc.unit is not None and doc.unit.name == "团区委"


def test_unknown_names_give_clear_errors(lib: Library, tmp_path: Path) -> None:
    f = make_docx(tmp_path / "a.docx")
    with pytest.raises(NotFoundError, match="9.9.9"):
        import_paths(lib, [f], "2023", standard="9.9.9")
    with pytest.raises(NotFoundError, match="不存在的单位"):
        import_paths(lib, [f], "2023", unit="不存在的单位")
    with pytest.raises(NotFoundError, match="第三年"):
        import_paths(lib, [f], "第三年")
    result = import_paths(lib, [tmp_path / "nope.docx"], "2023")
    assert result.refused[0]["reason"] == "找不到该文件或文件夹"


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0,
                    reason="root reads every file; permissions cannot be denied")
def test_unreadable_file_is_refused_with_reason(lib: Library, tmp_path: Path) -> None:
    f = make_docx(tmp_path / "d" / "锁定.docx")
    f.chmod(0)
    result = import_paths(lib, [tmp_path / "d"], "2023")
    assert result.refused[0]["source_path"] == "锁定.docx"
    assert "无法读取" in result.refused[0]["reason"]


def test_read_failure_is_refused_and_the_rest_filed(lib: Library, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A locked file (Windows) or a vanished one: that file is refused, the rest filed."""
    make_docx(tmp_path / "d" / "好.docx")
    locked = make_docx(tmp_path / "d" / "被占用.docx", title="另一份")
    real_open = os.open

    def fake_open(file, flags, *a, **kw):  # noqa: ANN001, ANN002, ANN003
        if Path(file) == locked:  # Windows' sharing violation reads as EACCES
            raise PermissionError(errno.EACCES, "另一个程序正在使用此文件", str(file))
        return real_open(file, flags, *a, **kw)

    monkeypatch.setattr(os, "open", fake_open)
    result = import_paths(lib, [tmp_path / "d"], "2023")
    assert [e["source_path"] for e in result.unassigned] == ["好.docx"]
    assert result.refused == [{"source_path": "被占用.docx",
                               "reason": "无法读取：另一个程序正在使用此文件"}]


def test_full_disk_stops_cleanly_and_keeps_what_was_filed(
    lib: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import archive.importer as importer

    for i in range(5):
        make_docx(tmp_path / "d" / f"{i}.docx", title=f"文件{i}")
    monkeypatch.setattr(importer, "BATCH", 2)
    real = lib.store.stage_bytes
    fourth = (tmp_path / "d" / "3.docx").read_bytes()  # in the second batch

    def stage(data: bytes, ext: str):  # noqa: ANN202
        if data == fourth:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(data, ext)

    monkeypatch.setattr(lib.store, "stage_bytes", stage)
    result = import_paths(lib, [tmp_path / "d"], "2023")
    assert "磁盘空间不足" in result.error
    assert len(result.unassigned) == 2  # the first batch was committed whole
    assert len(result.refused) == 3 and result.total == 5
    assert list(lib.store.tmp_dir.iterdir()) == []
    # After freeing space, importing again completes the ledger.
    monkeypatch.setattr(lib.store, "stage_bytes", real)
    again = import_paths(lib, [tmp_path / "d"], "2023")
    assert len(again.duplicates) == 2 and len(again.unassigned) == 3


def test_cancel_keeps_committed_batches(lib: Library, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import archive.importer as importer

    for i in range(6):
        (tmp_path / "d").mkdir(exist_ok=True)
        (tmp_path / "d" / f"{i}.txt").write_text(f"内容{i}", "utf-8")
    monkeypatch.setattr(importer, "BATCH", 2)
    token = CancelToken()

    def progress(event: ProgressEvent) -> None:
        if event.done == 3:
            token.cancel()

    result = import_paths(lib, [tmp_path / "d"], "2023", progress=progress, cancel=token)
    assert "取消" in result.error
    assert len(result.unassigned) == 2
    assert result.total == 6
    with lib.session() as s:
        assert s.scalar(select(func.count()).select_from(Document)) == 2


def test_killed_between_store_and_commit_leaves_no_dangling_row(
    lib: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Content reaches the store before rows are committed; a crash there leaves an orphan
    that the next import adopts, never a row without its file."""
    import archive.importer as importer

    make_docx(tmp_path / "d" / "a.docx")
    real_commit = lib.store.commit

    def crash_after_store(staged):  # noqa: ANN001, ANN202
        real_commit(staged)
        raise KeyboardInterrupt  # the process dies here

    monkeypatch.setattr(lib.store, "commit", crash_after_store)
    with pytest.raises(KeyboardInterrupt):
        import_paths(lib, [tmp_path / "d"], "2023")
    with lib.session() as s:
        assert s.scalar(select(func.count()).select_from(Document)) == 0
    from archive.fixity import verify_library

    assert [p["kind"] for p in verify_library(lib)["problems"]] == ["orphan"]
    monkeypatch.setattr(lib.store, "commit", real_commit)
    monkeypatch.setattr(importer, "BATCH", 10)
    result = import_paths(lib, [tmp_path / "d"], "2023")
    assert len(result.unassigned) == 1
    assert verify_library(lib)["ok"]


def test_links_are_audited(lib: Library, tmp_path: Path) -> None:
    f = make_docx(tmp_path / "a.docx")
    import_paths(lib, [f], "2023", standard="1.1.3.2")
    import_paths(lib, [f], "2023", standard="1.1.4.1")
    with lib.session() as s:
        actions = [a for (a,) in s.execute(select(AuditEntry.action).order_by(AuditEntry.id))]
        assert actions == ["create", "link"]
        std = standard_by_code(s, "1.1.4.1")
        assert s.scalar(select(func.count()).select_from(DocumentStandard).where(
            DocumentStandard.indicator_id == std.id)) == 1

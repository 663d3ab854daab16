"""The import's staging pipeline: chunked workers, batch syncs and their order, the per-file
fsync fallback, odd entries in folders, large files — on both databases where rows matter."""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path

import pytest
from sqlalchemy import func, select

import archive.filestore as filestore
import archive.importer as importer
from archive.fixity import verify_library
from archive.importer import import_paths
from archive.library import Library
from archive.models import AuditEntry, Document, DocumentStandard, File
from archive.progress import ProgressEvent
from tests.factories import make_docx, make_zip, with_sample_framework


@pytest.fixture
def lib(any_library: Library) -> Library:
    return with_sample_framework(any_library)


def _mixed_folder(root: Path) -> dict[str, bytes]:
    """Eleven inputs across batch and chunk boundaries: repeats, junk, a zip."""
    contents: dict[str, bytes] = {}

    def put(rel: str, data: bytes) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        contents[rel] = data

    for i in range(5):
        put(f"05 我们的节日/材料{i}.pdf", f"内容{i}".encode() * 50)
    put("05 我们的节日/Thumbs.db", b"\0")
    put("05 我们的节日/材料0副本.pdf", contents["05 我们的节日/材料0.pdf"])  # same content
    put("1.1.4.1 道德模范/材料3.pdf", contents["05 我们的节日/材料3.pdf"])  # another standard
    put("其他/~$草稿.docx", b"lock")
    make_zip(root / "其他" / "照片.zip", {"a.txt": b"zip entry", "b.txt": b"zip entry 2"})
    return contents


def test_every_entry_accounted_for_across_chunks_and_batches(
    lib: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "BATCH", 3)
    monkeypatch.setattr(importer, "CHUNK", 2)
    root = tmp_path / "in"
    contents = _mixed_folder(root)
    events: list[ProgressEvent] = []
    result = import_paths(lib, [root], "2023", progress=events.append)

    assert result.total == 11 and result.error == ""
    assert [e.done for e in events] == list(range(11)) + [11]
    assert sorted(e["source_path"] for e in result.refused) == [
        "05 我们的节日/Thumbs.db", "其他/~$草稿.docx"]
    assert [e["source_path"] for e in result.duplicates] == ["05 我们的节日/材料0副本.pdf"]
    linked = next(e for e in result.filed if e["source_path"] == "1.1.4.1 道德模范/材料3.pdf")
    assert linked["new"] is False and linked["standards"] == ["1.1.4.1"]
    assert sorted(e["source_path"] for e in result.unassigned) == [
        "其他/照片.zip/a.txt", "其他/照片.zip/b.txt"]
    with lib.session() as s:
        assert s.scalar(select(func.count()).select_from(Document)) == 7
        assert s.scalar(select(func.count()).select_from(File)) == 7
        assert s.scalar(select(func.count()).select_from(DocumentStandard)) == 6
        # One entry per document created, one per link added to an existing one.
        assert sorted(a for (a,) in s.execute(select(AuditEntry.action))) == (
            ["create"] * 7 + ["link"])
        for sha, ext in s.execute(select(File.sha256, File.ext)):
            data = lib.store.path_for(sha, ext).read_bytes()
            assert hashlib.sha256(data).hexdigest() == sha
    assert {hashlib.sha256(d).hexdigest() for k, d in contents.items() if k.endswith(".pdf")
            } <= {sha for sha, _ in lib.store.iter_stored()}
    assert list(lib.store.tmp_dir.iterdir()) == []
    assert verify_library(lib)["ok"]


def test_content_is_synced_before_renames_and_renames_before_rows(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Safety order: content durable under its temporary name, renamed, the renames
    durable, and only then the rows committed."""
    with_sample_framework(library)
    for i in range(4):
        (tmp_path / "in").mkdir(exist_ok=True)
        (tmp_path / "in" / f"{i}.txt").write_text(f"第{i}份", "utf-8")
    monkeypatch.setattr(importer, "BATCH", 2)
    store = library.store
    seen: list[tuple[int, int, int]] = []  # (staged files waiting, files stored, rows)
    real_sync = store.sync

    def sync() -> None:
        real_sync()
        waiting = sum(1 for p in store.tmp_dir.rglob("*") if p.is_file())
        stored = len(list(store.iter_stored()))
        with library.read_session() as s:
            rows = s.scalar(select(func.count()).select_from(File)) or 0
        seen.append((waiting, stored, rows))

    monkeypatch.setattr(store, "sync", sync)
    monkeypatch.setattr(importer, "STAGE_THREADS", 1)  # nothing staged ahead while we look
    monkeypatch.setattr(importer, "CHUNK", 2)
    result = import_paths(library, [tmp_path / "in"], "2023")
    assert len(result.unassigned) == 4
    # Two syncs per batch; the first batch: 2 staged, none stored, no rows; then stored,
    # still no rows. The rows of a batch appear only after its second sync.
    assert len(seen) == 4
    first, second = seen[0], seen[1]
    assert first[1:] == (0, 0) and first[0] >= 2
    assert second[1:] == (2, 0)
    assert seen[2][2] == 2 and seen[3][1:] == (4, 2)


def test_without_a_batch_sync_each_file_is_fsynced(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows has neither syncfs nor sync: every staged file is flushed (FlushFileBuffers)
    through its own handle before it is renamed."""
    for i in range(3):
        (tmp_path / "in").mkdir(exist_ok=True)
        (tmp_path / "in" / f"{i}.txt").write_text(f"第{i}份", "utf-8")
    flushed: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (flushed.append(fd), real_fsync(fd)))
    monkeypatch.setattr(filestore, "sync_filesystem",
                        lambda where: pytest.fail("no batch sync on this path"))
    monkeypatch.setattr(library.store, "fsync_each", True)
    result = import_paths(library, [tmp_path / "in"], "2023")
    assert len(result.unassigned) == 3 and len(flushed) == 3


def test_a_failing_sync_stops_the_import_and_commits_nothing(
    lib: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(3):
        make_docx(tmp_path / "in" / f"{i}.docx", title=f"文件{i}")

    def broken(where: object) -> None:
        raise OSError(errno.EIO, "Input/output error", str(where))

    monkeypatch.setattr(filestore, "sync_filesystem", broken)
    monkeypatch.setattr(lib.store, "fsync_each", False)
    result = import_paths(lib, [tmp_path / "in"], "2023")
    assert "写入资料库" in result.error and "Input/output error" in result.error
    assert len(result.refused) == 3 and result.total == 3
    with lib.session() as s:
        assert s.scalar(select(func.count()).select_from(Document)) == 0
    assert list(lib.store.tmp_dir.iterdir()) == []


def test_sync_filesystem_flushes_the_store(tmp_path: Path) -> None:
    """syncfs (Linux) or sync; on a path that does not exist it names the path."""
    filestore.sync_filesystem(tmp_path)
    if filestore._SYNCFS is not None:
        with pytest.raises(OSError):
            filestore.sync_filesystem(tmp_path / "nope")


def test_large_files_and_zip_entries_are_streamed(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(filestore, "WHOLE_READ_LIMIT", 1000)
    monkeypatch.setattr(importer, "WHOLE_READ_LIMIT", 1000)
    monkeypatch.setattr(filestore, "CHUNK", 700)  # several chunks per file
    big = os.urandom(5000)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "大文件.bin").write_bytes(big)
    make_zip(tmp_path / "in" / "包.zip", {"大条目.bin": big[::-1]})
    result = import_paths(library, [tmp_path / "in"], "2023")
    assert len(result.unassigned) == 2
    for data in (big, big[::-1]):
        sha = hashlib.sha256(data).hexdigest()
        assert library.store.path_for(sha, "bin").read_bytes() == data


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not hasattr(os, "symlink"),
                    reason="pipes and symbolic links as on Linux")
def test_pipes_and_folder_links_are_refused_with_reasons(library: Library,
                                                         tmp_path: Path) -> None:
    root = tmp_path / "in"
    make_docx(root / "方案.docx")
    os.mkfifo(root / "管道")
    (tmp_path / "别处").mkdir()
    make_docx(tmp_path / "别处" / "外部.docx")
    os.symlink(tmp_path / "别处", root / "链接")
    os.symlink(tmp_path / "不存在.docx", root / "断开的链接.docx")
    result = import_paths(library, [root, root / "管道"], "2023")  # the pipe given directly too
    refused = {e["source_path"]: e["reason"] for e in result.refused}
    assert len(result.refused) == 4 and result.total == 5
    assert set(refused) == {"管道", "链接", "断开的链接.docx"}
    assert "不是普通文件" in refused["管道"]
    assert "链接" in refused["链接"]
    assert "无法读取" in refused["断开的链接.docx"]
    assert [e["source_path"] for e in result.unassigned] == ["方案.docx"]


def test_an_unreadable_folder_is_refused_and_its_siblings_filed(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "in"
    make_docx(root / "可读" / "方案.docx")
    (root / "锁定").mkdir()
    real_scandir = os.scandir

    def scandir(path):  # noqa: ANN001, ANN202
        if Path(path).name == "锁定":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = import_paths(library, [root], "2023")
    assert result.refused == [{"source_path": "锁定", "reason": "文件夹无法读取：Permission denied"}]
    assert [e["source_path"] for e in result.unassigned] == ["可读/方案.docx"]


def test_extensions_as_stored() -> None:
    cases = {"a.PDF": "pdf", ".bashrc": "", "name.": "", "x.tar.gz": "gz", "无.DOCX": "docx",
             "a.文档": "", "a": "", "x." + "a" * 21: "", "dir/b.Jpg": "jpg"}
    assert {name: filestore.normalise_ext(name) for name in cases} == cases


def test_audit_details_survive_awkward_names(lib: Library, tmp_path: Path) -> None:
    name = '引号"和\\反斜杠 😀\t.pdf' if os.name != "nt" else "引号和 😀.pdf"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / name).write_bytes(b"%PDF-1.4 awkward")
    result = import_paths(lib, [tmp_path / "in"], "2023")
    with lib.session() as s:
        entry = s.scalars(select(AuditEntry)).one()
        assert entry.entity_id == result.unassigned[0]["document_id"]
        assert entry.after == {"title": name[:-4], "source_path": name}

"""The paths filing takes for speed keep its guarantees: batch bounds cover every file once,
fan-out folders left by staging are made by the commit, constant columns written as SQL
literals read back as the ORM wrote them (quotes too), and the GIL switch interval the
import sets is given back."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

import archive.importer as importer
from archive.filestore import FileStore
from archive.fixity import verify_library
from archive.importer import _batch_bounds, _sql_literal, import_paths
from archive.library import Library
from archive.models import AuditEntry, Document, File
from tests.factories import with_sample_framework


@pytest.fixture
def lib(any_library: Library) -> Library:
    return with_sample_framework(any_library)


@pytest.mark.parametrize("total", [0, 1, 499, 500, 501, 749, 750, 874, 875, 1000, 10_000, 12_345])
def test_batches_cover_every_file_once_in_order(total: int) -> None:
    bounds = _batch_bounds(total)
    covered = [i for start, end in bounds for i in range(start, end)]
    assert covered == list(range(total))
    assert all(end - start <= importer.BATCH for start, end in bounds)


def test_the_last_batches_shrink_but_small_batches_stay_as_they_were(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sizes = [end - start for start, end in _batch_bounds(10_000)]
    assert sizes[-1] == importer.BATCH // 4 and sizes[-2] < importer.BATCH
    assert sizes[:-2] == [importer.BATCH] * (len(sizes) - 2)
    monkeypatch.setattr(importer, "BATCH", 2)  # below TAIL_MIN: full batches, rest last
    assert [end - start for start, end in _batch_bounds(5)] == [2, 2, 1]


def test_a_folder_skipped_while_syncing_is_made_by_the_commit(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "files")
    store.ensure()
    data = b"staged while a sync was running"
    sha = hashlib.sha256(data).hexdigest()
    store._syncing = True  # as while the commit thread syncs
    staged = store.stage_bytes(data, "pdf")
    store._syncing = False
    assert not store.path_for(sha, "pdf").parent.exists()
    (final,) = store.commit([staged])
    assert Path(final) == store.path_for(sha, "pdf")
    assert Path(final).read_bytes() == data
    other = store.stage_bytes(b"staged while no sync ran", "pdf")  # its folder made at once
    assert store.path_for(other.sha256, "pdf").parent.is_dir()
    store.discard([other])


def test_constant_columns_read_back_as_written(
    lib: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "current_actor", lambda: "O'Brien; DROP TABLE file; --")
    root = tmp_path / "in"
    (root / "05 我们的节日").mkdir(parents=True)
    (root / "05 我们的节日" / "方案.pdf").write_bytes(b"%PDF-1.4 one")
    (root / "其他").mkdir()
    (root / "其他" / "说明.docx").write_bytes(b"PK two")
    result = import_paths(lib, [root], "2023")
    assert len(result.filed) == 1 and len(result.unassigned) == 1
    with lib.session() as s:
        docs = s.scalars(select(Document).order_by(Document.id)).all()
        assert [(d.title, d.kind) for d in docs] == [("方案", "document"), ("说明", "document")]
        for d in docs:
            assert (d.doc_number, d.author, d.remarks, d.caption) == ("", "", "", "")
            assert (d.retention, d.classification, d.released) == ("30年", "公开", False)
            assert d.doc_date is None and d.deleted_at is None
            assert d.created_at == d.updated_at
            assert d.period.label == "2023"
        files = s.scalars(select(File)).all()
        assert [(f.status, f.status_reason, f.info, f.page_count) for f in files] == [
            ("pending", "", {}, None)] * 2
        audits = s.scalars(select(AuditEntry)).all()
        assert {(a.actor, a.action, a.entity, a.before) for a in audits} == {
            ("O'Brien; DROP TABLE file; --", "create", "document", None)}
        assert sorted(a.after["title"] for a in audits) == ["方案", "说明"]
    assert verify_library(lib)["ok"]


def test_sql_literal_takes_only_plain_constants() -> None:
    assert [_sql_literal(v) for v in (None, False, True, 7, "it's")] == [
        "NULL", "0", "1", "7", "'it''s'"]
    with pytest.raises(TypeError):
        _sql_literal(b"bytes")
    with pytest.raises(TypeError):
        _sql_literal("nul\0inside")


def test_the_switch_interval_is_given_back(library: Library, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("甲", "utf-8")
    before = sys.getswitchinterval()
    seen: list[float] = []
    import_paths(library, [tmp_path / "in"], "2023",
                 progress=lambda event: seen.append(sys.getswitchinterval()))
    assert seen and max(seen) <= importer.SWITCH_INTERVAL
    assert sys.getswitchinterval() == before


def test_a_switch_interval_changed_during_the_import_is_left_alone(
    library: Library, tmp_path: Path
) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("乙", "utf-8")
    before = sys.getswitchinterval()
    try:
        import_paths(library, [tmp_path / "in"], "2023",
                     progress=lambda event: sys.setswitchinterval(0.003))
        assert sys.getswitchinterval() == 0.003
    finally:
        sys.setswitchinterval(before)

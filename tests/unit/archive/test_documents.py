"""Editing documents and links (audited), trash and restore, fixity — on both databases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from archive import documents as docs
from archive import trash
from archive.errors import CivLedgerError
from archive.fixity import verify_library
from archive.importer import import_paths
from archive.library import Library
from archive.models import AuditEntry, Document, File, Requirement
from tests.factories import make_docx, make_pdf, with_sample_framework


@pytest.fixture
def lib(any_library: Library, tmp_path: Path) -> Library:
    with_sample_framework(any_library)
    make_docx(tmp_path / "in" / "05 我们的节日" / "方案.docx", title="活动方案")
    make_pdf(tmp_path / "in" / "05 我们的节日" / "总结.pdf", ["活动总结"])
    import_paths(any_library, [tmp_path / "in"], "2023")
    return any_library


def _doc_id(lib: Library, title: str) -> int:
    with lib.session() as s:
        return s.scalar(select(Document.id).where(Document.title == title))  # type: ignore[return-value]


def test_update_is_validated_and_audited(lib: Library) -> None:
    doc_id = _doc_id(lib, "方案")
    with lib.session() as s:
        docs.update_document(s, doc_id, title="“我们的节日”活动方案", doc_number="区文明办〔2023〕5号",
                             doc_date="2023-05-12", classification="内部")
    with lib.session() as s:
        doc = docs.get_document(s, doc_id)
        assert doc.doc_date == dt.date(2023, 5, 12)
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "update")).one()
        assert entry.entity_id == doc_id
        assert entry.before == {"title": "方案", "doc_number": "", "doc_date": None,
                                "classification": "公开"}
        assert entry.after["doc_date"] == "2023-05-12"
        assert entry.actor
    with lib.session() as s, pytest.raises(CivLedgerError, match="密级只能是"):
        docs.update_document(s, doc_id, classification="保密")
    with lib.session() as s, pytest.raises(CivLedgerError, match="日期“明年”无法识别"):
        docs.update_document(s, doc_id, doc_date="明年")
    with lib.session() as s, pytest.raises(CivLedgerError, match="不能修改字段"):
        docs.update_document(s, doc_id, sha256="x")


def test_compact_and_dotted_dates() -> None:
    assert docs.parse_date("20230512") == dt.date(2023, 5, 12)
    assert docs.parse_date("2023.05.12") == dt.date(2023, 5, 12)
    assert docs.parse_date("2023/05/12") == dt.date(2023, 5, 12)
    assert docs.parse_date("") is None


def test_links_to_standards_and_requirements(lib: Library) -> None:
    doc_id = _doc_id(lib, "总结")
    plan_id = _doc_id(lib, "方案")
    with lib.session() as s:
        target = docs.standard_by_code(s, "1.1.4.1")
        assert docs.link_standard(s, doc_id, target.id) is True
        assert docs.link_standard(s, doc_id, target.id) is False
        block = docs.standard_by_code(s, "1")
        with pytest.raises(CivLedgerError, match="测评标准"):
            docs.link_standard(s, doc_id, block.id)
        req = s.scalars(select(Requirement).where(Requirement.indicator_id == target.id)).first()
        assert req is not None
        assert docs.link_requirement(s, doc_id, req.id) is True
    with lib.session() as s:
        assert docs.list_documents(s, standard="1.1.4.1")[0]["id"] == doc_id
        # A block's filter takes its whole subtree.
        assert {d["id"] for d in docs.list_documents(s, standard="1")} == {doc_id, plan_id}
        assert docs.unlink_standard(s, doc_id, target.id) is True
    with lib.session() as s:
        actions = [a for (a,) in s.execute(
            select(AuditEntry.action).where(AuditEntry.entity_id == doc_id,
                                            AuditEntry.action != "create"))]
        assert actions == ["link", "link", "unlink"]


def test_delete_moves_content_to_trash_and_restore_brings_it_back(lib: Library) -> None:
    doc_id = _doc_id(lib, "方案")
    with lib.session() as s:
        f = s.get(Document, doc_id).file  # type: ignore[union-attr]
        stored = lib.store.path_for(f.sha256, f.ext)
    original = stored.read_bytes()
    trash.delete_document(lib, doc_id)
    assert not stored.exists()
    assert (lib.trash_dir / stored.name).read_bytes() == original
    with lib.session() as s:
        assert doc_id not in {d["id"] for d in docs.list_documents(s)}
        assert [d["id"] for d in docs.list_documents(s, deleted=True)] == [doc_id]
    assert verify_library(lib)["ok"]  # trashed content is not "missing"
    with pytest.raises(CivLedgerError, match="已在回收站"):
        trash.delete_document(lib, doc_id)
    trash.restore_document(lib, doc_id)
    assert stored.read_bytes() == original
    assert verify_library(lib)["ok"]


def test_shared_content_stays_while_another_document_uses_it(lib: Library,
                                                             tmp_path: Path) -> None:
    doc_id = _doc_id(lib, "方案")
    import_paths(lib, [tmp_path / "in" / "05 我们的节日" / "方案.docx"], "2024")
    with lib.session() as s:
        f = s.get(Document, doc_id).file  # type: ignore[union-attr]
        stored = lib.store.path_for(f.sha256, f.ext)
    trash.delete_document(lib, doc_id)
    assert stored.exists()
    assert verify_library(lib)["ok"]


def test_empty_trash_purges_rows_and_unused_content(lib: Library) -> None:
    doc_id = _doc_id(lib, "方案")
    trash.delete_document(lib, doc_id)
    assert [t["id"] for t in trash.list_trash(lib)] == [doc_id]
    assert trash.empty_trash(lib) == 1
    assert list(lib.trash_dir.iterdir()) == []
    with lib.session() as s:
        assert s.get(Document, doc_id) is None
        assert len(s.scalars(select(File)).all()) == 1
    assert verify_library(lib)["ok"]


def test_fixity_finds_altered_missing_and_orphan_files(lib: Library) -> None:
    with lib.session() as s:
        files = s.execute(select(File.sha256, File.ext).order_by(File.id)).all()
    first = lib.store.path_for(*files[0])
    data = bytearray(first.read_bytes())
    data[len(data) // 2] ^= 0xFF
    first.write_bytes(bytes(data))
    lib.store.path_for(*files[1]).unlink()
    stray = lib.store.path_for("ab" * 32, "pdf")
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"stray")
    report = verify_library(lib)
    assert report["ok"] is False
    assert report["checked"] == 2
    kinds = sorted((p["kind"], p["sha256"]) for p in report["problems"])
    assert kinds == sorted([("altered", files[0][0]), ("missing", files[1][0]),
                            ("orphan", "ab" * 32)])


def test_requirement_link_can_be_taken_back(lib: Library) -> None:
    doc_id = _doc_id(lib, "总结")
    with lib.session() as s:
        target = docs.standard_by_code(s, "1.1.3.2")
        req = s.scalars(select(Requirement).where(Requirement.indicator_id == target.id)).first()
        assert req is not None
        req_id = req.id
        assert docs.link_requirement(s, doc_id, req_id) is True
    with lib.session() as s:
        assert docs.unlink_requirement(s, doc_id, req_id) is True
        assert docs.unlink_requirement(s, doc_id, req_id) is False
    with lib.session() as s:
        last = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert last is not None and last.action == "unlink"
        assert last.before == {"requirement": req.label}


def test_period_dates_change_with_an_audit_entry(lib: Library) -> None:
    from archive.periods import get_period, update_period

    with lib.session() as s:
        pid = get_period(s, "2023").id
        update_period(s, pid, dt.date(2022, 8, 1), dt.date(2023, 7, 31))
        with pytest.raises(CivLedgerError, match="早于开始日期"):
            update_period(s, pid, dt.date(2023, 8, 1), dt.date(2023, 7, 31))
    with lib.session() as s:
        p = get_period(s, "2023")
        assert (p.start, p.end) == (dt.date(2022, 8, 1), dt.date(2023, 7, 31))
        entry = s.scalars(select(AuditEntry).where(AuditEntry.entity == "period")).one()
        assert entry.before == {"start": "2023-01-01", "end": "2023-12-31"}

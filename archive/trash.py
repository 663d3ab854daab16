"""Deleting documents into the library's trash, restoring them, emptying the trash.

A deleted document keeps its row (with ``deleted_at``); its content moves from ``files/`` to
``trash/`` once no live document uses it any more, and moves back on restore.
"""

from __future__ import annotations

from sqlalchemy import func, select

from archive import audit
from archive.documents import get_document
from archive.errors import CivLedgerError
from archive.library import Library
from archive.models import Document, File, utcnow


def _live_users(session, file_id: int) -> int:  # noqa: ANN001
    return session.scalar(
        select(func.count()).select_from(Document).where(
            Document.file_id == file_id, Document.deleted_at.is_(None)
        )
    ) or 0


def delete_document(lib: Library, doc_id: int) -> None:
    with lib.session() as s:
        doc = get_document(s, doc_id)
        if doc.deleted_at is not None:
            raise CivLedgerError(f"文件记录 {doc_id} 已在回收站中。")
        doc.deleted_at = utcnow()
        audit.record(s, "delete", "document", doc.id, {"title": doc.title}, None)
        s.flush()
        file = doc.file
        if _live_users(s, file.id) == 0 and lib.store.exists(file.sha256, file.ext):
            lib.store.move_out(file.sha256, file.ext, lib.trash_dir)


def restore_document(lib: Library, doc_id: int) -> None:
    with lib.session() as s:
        doc = get_document(s, doc_id)
        if doc.deleted_at is None:
            raise CivLedgerError(f"文件记录 {doc_id} 不在回收站中。")
        file = doc.file
        if not lib.store.exists(file.sha256, file.ext):
            trashed = lib.trash_dir / lib.store.path_for(file.sha256, file.ext).name
            if not trashed.exists():
                raise CivLedgerError(
                    f"回收站中找不到“{doc.title}”的内容（{trashed.name}），无法恢复。"
                )
            lib.store.move_in(trashed, file.sha256, file.ext)
        doc.deleted_at = None
        audit.record(s, "restore", "document", doc.id, None, {"title": doc.title})


def list_trash(lib: Library) -> list[dict[str, object]]:
    with lib.session() as s:
        rows = s.execute(
            select(Document.id, Document.title, Document.deleted_at)
            .where(Document.deleted_at.is_not(None))
            .order_by(Document.deleted_at.desc())
        ).all()
        return [{"id": r[0], "title": r[1], "deleted_at": r[2].isoformat()} for r in rows]


def empty_trash(lib: Library) -> int:
    """Remove deleted documents for good, and content nothing refers to any more."""
    with lib.session() as s:
        docs = list(s.scalars(select(Document).where(Document.deleted_at.is_not(None))))
        file_ids = {d.file_id for d in docs}
        for d in docs:
            audit.record(s, "purge", "document", d.id, {"title": d.title}, None)
            s.delete(d)
        s.flush()
        for fid in file_ids:
            used = s.scalar(select(func.count()).select_from(Document).where(
                Document.file_id == fid))
            if not used:
                f = s.get(File, fid)
                if f is not None:
                    (lib.trash_dir / lib.store.path_for(f.sha256, f.ext).name).unlink(
                        missing_ok=True)
                    s.delete(f)
        return len(docs)

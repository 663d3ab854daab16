"""Editing, deleting, restoring and opening documents."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive import documents as docs
from archive import trash
from archive.errors import CivLedgerError
from archive.library import Library
from archive.models import Document, File
from gui.operations.busy import retry_when_busy


@dataclass
class MetadataEdit:
    """Everything the detail panel may change in one save."""

    fields: dict[str, Any] = field(default_factory=dict)  # archive.documents.EDITABLE keys
    link_standards: list[int] = field(default_factory=list)
    unlink_standards: list[int] = field(default_factory=list)
    link_requirements: list[int] = field(default_factory=list)
    unlink_requirements: list[int] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.fields or self.link_standards or self.unlink_standards
                    or self.link_requirements or self.unlink_requirements)


def apply_edit(lib: Library, doc_id: int, edit: MetadataEdit) -> None:
    """One unit of work: all of it is saved, or nothing (a bad date rolls the links back too)."""
    retry_when_busy(_apply_edit, lib, doc_id, edit)


def _apply_edit(lib: Library, doc_id: int, edit: MetadataEdit) -> None:
    with lib.session() as s:
        if edit.fields:
            docs.update_document(s, doc_id, **edit.fields)
        for ind_id in edit.link_standards:
            docs.link_standard(s, doc_id, ind_id)
        for ind_id in edit.unlink_standards:
            docs.unlink_standard(s, doc_id, ind_id)
        for req_id in edit.link_requirements:
            docs.link_requirement(s, doc_id, req_id)
        for req_id in edit.unlink_requirements:
            docs.unlink_requirement(s, doc_id, req_id)


def delete_documents(lib: Library, ids: list[int]) -> list[int]:
    for doc_id in ids:
        retry_when_busy(trash.delete_document, lib, doc_id)
    return ids


def restore_documents(lib: Library, ids: list[int]) -> list[int]:
    for doc_id in ids:
        retry_when_busy(trash.restore_document, lib, doc_id)
    return ids


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def readable_copy(lib: Library, doc_id: int, folder: Path | None = None) -> Path:
    """A copy of the stored file under its original name, for Word or the photo viewer.

    The store names files by hash; opened directly, Word would show "3fa9….docx" as the title
    and the clerk might edit the stored original. A copy in a temporary folder avoids both.
    """
    with lib.session() as s:
        doc = s.get(Document, doc_id)
        if doc is None:
            raise CivLedgerError(f"没有编号为 {doc_id} 的文件记录。")
        f: File = doc.file
        sha, ext, name, title = f.sha256, f.ext, f.original_name, doc.title
    source = lib.store.path_for(sha, ext)
    if not source.exists():
        raise CivLedgerError(
            f"资料库中找不到“{title}”的文件内容（{source.name}）。"
            "请运行“校验资料库”检查文件是否缺失。")
    base = folder or Path(tempfile.gettempdir()) / "创文台账-打开的文件"
    target_dir = base / f"{doc_id}-{dt.datetime.now():%H%M%S}"
    target_dir.mkdir(parents=True, exist_ok=True)
    safe = _UNSAFE.sub("_", name).strip(" .") or f"文件{doc_id}"
    if ext and not safe.lower().endswith("." + ext):
        safe = f"{safe}.{ext}"
    target = target_dir / safe
    shutil.copyfile(source, target)
    return target

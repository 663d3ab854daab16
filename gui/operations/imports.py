"""Filing dropped files and folders, and undoing or correcting an import afterwards."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from archive import documents as docs
from archive import trash
from archive.importer import ImportResult, import_paths
from archive.library import Library
from archive.progress import CancelToken, ProgressCallback
from gui.operations.busy import retry_when_busy


@dataclass
class ImportRequest:
    paths: list[Path]
    period: str
    standard: str | None = None  # code: everything goes there; None: map by folder names
    unit: str | None = None


@dataclass
class ImportOutcome:
    request: ImportRequest
    result: ImportResult
    processed: bool = False  # text extraction and indexing already ran in the worker
    notes: list[str] = field(default_factory=list)


def run_import(lib: Library, request: ImportRequest, progress: ProgressCallback,
               cancel: CancelToken) -> ImportOutcome:
    """The worker's job: file everything, then (when the index is installed) extract and index."""
    result = import_paths(lib, request.paths, request.period, standard=request.standard,
                          unit=request.unit, progress=progress, cancel=cancel)
    return ImportOutcome(request, result)


def reassign(lib: Library, changes: dict[int, tuple[list[int], list[int]]]) -> list[int]:
    """Per document: (standards to unlink, standards to link), as chosen in the review."""
    return retry_when_busy(_reassign, lib, changes)


def _reassign(lib: Library, changes: dict[int, tuple[list[int], list[int]]]) -> list[int]:
    with lib.session() as s:
        for doc_id, (unlink, link) in changes.items():
            for ind_id in unlink:
                docs.unlink_standard(s, doc_id, ind_id)
            for ind_id in link:
                docs.link_standard(s, doc_id, ind_id)
    return list(changes)


def undo_import(lib: Library, result: ImportResult) -> list[int]:
    """Take an import back: new documents go to the trash, links added to old ones are removed."""
    touched: list[int] = []
    new_ids = result.new_document_ids
    for doc_id in new_ids:
        retry_when_busy(trash.delete_document, lib, doc_id)
        touched.append(doc_id)
    touched += retry_when_busy(_unlink_added, lib, result)
    return touched


def _unlink_added(lib: Library, result: ImportResult) -> list[int]:
    touched: list[int] = []
    with lib.session() as s:
        for entry in result.filed:
            if entry.get("new") or not entry.get("standards"):
                continue
            for code in entry["standards"]:
                docs.unlink_standard(s, entry["document_id"], docs.standard_by_code(s, code).id)
            touched.append(entry["document_id"])
    return touched

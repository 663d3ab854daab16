"""The indexing stage: extract what is pending, store it in the database, update the index.

Extracted text, statuses and proposals are committed to the database a batch at a time, and only
then is the index updated for the documents concerned. A run that is killed leaves unfinished
files ``pending`` (the next run does them) and, at worst, index entries older than the database,
which ``index.reconcile`` finds by their stamps at the start of the next run.
"""

from __future__ import annotations

import gc
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from archive.library import Library
from archive.models import STATUS_PENDING, Document, File, utcnow
from archive.progress import CancelToken, ProgressCallback, ProgressEvent, no_progress
from indexing import index as search_index
from indexing.proposals import apply_many_proposals
from indexing.workers import ANALYZE_TARGET, DEFAULT_TARGET, TIME_LIMIT, Task, run_tasks

BATCH_FILES = 100
BATCH_SECONDS = 5.0


def _location(lib: Library, sha256: str, ext: str) -> Path:
    """Where the content is: the store, or the trash when only deleted documents hold it."""
    path = lib.store.path_for(sha256, ext)
    if not path.exists():
        trashed = lib.trash_dir / path.name
        if trashed.exists():
            return trashed
    return path


def _pending(session: Session, file_ids: Iterable[int] | None = None) -> list[tuple[int, str, str]]:
    q = select(File.id, File.sha256, File.ext).where(File.status == STATUS_PENDING)
    if file_ids is not None:
        ids = list(file_ids)
        if not ids:
            return []
        q = q.where(File.id.in_(ids))
    return [tuple(r) for r in session.execute(q.order_by(File.id))]  # type: ignore[misc]


def _store(lib: Library, results: list[tuple[int, dict[str, Any]]]) -> list[int]:
    """Commit a batch of results; returns the live documents whose entries must be updated.

    One executemany for the files and one batch of proposals: a statement per file cost about
    a millisecond each, in the one process that also feeds the workers and writes the index.
    """
    now = utcnow()
    ids = [fid for fid, _ in results]
    with lib.session() as s:
        infos = dict(s.execute(select(File.id, File.info).where(File.id.in_(ids))).all())
        params = []
        proposals = []
        for file_id, r in results:
            info = dict(infos.get(file_id) or {})
            info.update(r.get("info") or {})
            params.append({"fid": file_id, "new_text": r.get("text") or "",
                           "new_pages": r.get("page_count"), "new_status": r["status"],
                           "new_reason": r.get("reason") or "", "new_info": info})
            proposals.append((file_id, info.get("proposed") or {}))
        table = File.__table__
        s.connection().execute(
            update(table).where(table.c.id == bindparam("fid"),
                                table.c.status == STATUS_PENDING)
            .values(text=bindparam("new_text"), page_count=bindparam("new_pages"),
                    status=bindparam("new_status"), status_reason=bindparam("new_reason"),
                    info=bindparam("new_info", type_=table.c.info.type), extracted_at=now),
            params)
        apply_many_proposals(s, proposals)
        return list(s.scalars(select(Document.id).where(
            Document.file_id.in_(ids), Document.deleted_at.is_(None))))


# During a run the writer makes a few thousand short-lived objects a document (terms, rows);
# with Python's default threshold (700) the collector ran some 250 times in 3,000 documents,
# walking the whole heap each time it reached the oldest generation: ~5 % of the writer's time.
GC_THRESHOLD = 20_000


@contextmanager
def _sparing_gc() -> Iterator[None]:
    """Collect less often during a run, and never walk what existed before it (``gc.freeze``);
    cycles made during the run are still collected. The threshold is given back unless
    someone changed it meanwhile (two runs at once end in either order)."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(threshold[0], GC_THRESHOLD), *threshold[1:])
    ours = gc.get_threshold()
    try:
        yield
    finally:
        if gc.get_threshold() == ours:
            gc.set_threshold(*threshold)
        gc.unfreeze()


def _extract(
    lib: Library,
    files: list[tuple[int, str, str]],
    progress: ProgressCallback,
    cancel: CancelToken | None,
    workers: int | None,
    time_limit: float,
    target: str,
    index: bool = True,
) -> dict[str, Any]:
    total = len(files)
    statuses: Counter[str] = Counter()
    indexed = 0
    done = 0
    batch: list[tuple[int, dict[str, Any]]] = []
    last_flush = time.monotonic()
    names = {fid: f"{sha[:8]}.{ext}" for fid, sha, ext in files}
    tasks = [Task(fid, str(_location(lib, sha, ext)), ext) for fid, sha, ext in files]

    updater = search_index.BulkUpdater(lib, cancel=cancel) if index and files else None
    if updater is not None and target == DEFAULT_TARGET:
        target = ANALYZE_TARGET  # the workers count the text's index terms too
    analyzed: dict[int, dict[str, Any]] = {}

    def flush() -> None:
        nonlocal batch, last_flush
        if batch:
            doc_ids = _store(lib, batch)
            if updater is not None and doc_ids:
                updater.update(doc_ids, analyzed, remaining=total - done)
        batch = []
        analyzed.clear()
        last_flush = time.monotonic()

    progress(ProgressEvent(0, total, "提取文字"))
    try:
        for task, result in run_tasks(tasks, workers=workers, time_limit=time_limit,
                                      target=target, cancel=cancel):
            terms = result.pop("terms", None)
            if terms is not None:
                analyzed[task.key] = terms
            batch.append((task.key, result))
            statuses[result["status"]] += 1
            done += 1
            progress(ProgressEvent(done, total, names.get(task.key, "")))
            if len(batch) >= BATCH_FILES or time.monotonic() - last_flush > BATCH_SECONDS:
                flush()
    finally:
        try:
            flush()  # what finished is kept, even when the run stops early
        finally:
            if updater is not None:
                updater.commit()
                indexed = updater.indexed
    cancelled = bool(cancel is not None and cancel.cancelled and done < total)
    return {"extracted": done, "remaining": total - done, "statuses": dict(statuses),
            "indexed": indexed, "cancelled": cancelled}


def extract_pending(
    lib: Library,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    *,
    workers: int | None = None,
    time_limit: float = TIME_LIMIT,
    target: str = DEFAULT_TARGET,
    index: bool = True,
) -> dict[str, Any]:
    """Extract every pending file, apply proposals, update the index.

    Returns {"extracted", "remaining", "statuses": {status: n}, "indexed", "cancelled",
    "reconciled": {...}, "seconds"}. ``index=False`` extracts only (the benchmark's baseline).
    """
    started = time.perf_counter()
    reconciled: dict[str, int] = {}
    if index:
        search_index.open_index(lib, progress, cancel)
        reconciled = search_index.reconcile(lib, cancel)
    with lib.read_session() as s:
        files = _pending(s)
    with _sparing_gc():
        out = _extract(lib, files, progress, cancel, workers, time_limit, target, index)
    out["reconciled"] = reconciled
    out["seconds"] = round(time.perf_counter() - started, 3)
    return out


def process_documents(
    lib: Library,
    document_ids: Iterable[int],
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    *,
    workers: int | None = None,
    time_limit: float = TIME_LIMIT,
    target: str = DEFAULT_TARGET,
) -> dict[str, Any]:
    """After documents were added, edited, deleted or restored: extract what is pending among
    them and update their index entries (deleted documents leave the index)."""
    ids = sorted(set(document_ids))
    if not ids:
        return {"extracted": 0, "remaining": 0, "statuses": {}, "indexed": 0, "removed": 0,
                "cancelled": False}
    with lib.read_session() as s:
        file_ids = set(s.scalars(select(Document.file_id).where(Document.id.in_(ids))))
        files = _pending(s, file_ids)
    out = _extract(lib, files, progress, cancel, workers, time_limit, target, index=False)
    result = search_index.update(lib, ids, cancel)
    out["indexed"] = result["indexed"]
    out["removed"] = result["removed"]
    return out


def on_documents_changed(lib: Library, document_ids: list[int]) -> None:
    process_documents(lib, document_ids)


def reset_files(lib: Library, statuses: Iterable[str]) -> int:
    """Mark files with these statuses pending again (after installing LibreOffice, say)."""
    wanted = [s for s in statuses if s != STATUS_PENDING]
    if not wanted:
        return 0
    with lib.session() as s:
        result = s.execute(update(File).where(File.status.in_(wanted)).values(
            status=STATUS_PENDING, status_reason=""))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

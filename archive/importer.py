"""Filing evidence: files, folder trees and zips into a period's ledger.

The import is a UI-agnostic session: it reports progress through a callback, polls a cancel flag
between files, and returns an ``ImportResult`` that accounts for every input file (filed,
unassigned, duplicate or refused). Content is made durable in the store before the rows that point
at it are committed, a batch at a time. Text extraction is not done here: new files are
``pending`` and the indexing stage picks them up (``ImportResult.new_document_ids``).
"""

from __future__ import annotations

import datetime as dt
import errno
import json
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from archive.audit import current_actor
from archive.errors import Cancelled
from archive.filestore import WHOLE_READ_LIMIT, StagedFile, normalise_ext
from archive.folder_mapping import StandardKey, StandardMatcher, UnitMatcher
from archive.frameworks import current_framework
from archive.import_sources import SourceItem, collect
from archive.library import Library
from archive.models import (
    STATUS_PENDING,
    AuditEntry,
    Base,
    Document,
    DocumentStandard,
    File,
    Indicator,
    Unit,
    utcnow,
)
from archive.periods import get_period
from archive.progress import CancelToken, ProgressCallback, ProgressEvent, no_progress

BATCH = 500
# Threads that read, hash and stage files; I/O and hashing release the GIL.
STAGE_THREADS = 2

PHOTO_EXTS = {"jpg", "jpeg", "png", "gif", "bmp", "tif", "tiff", "heic", "webp"}
VIDEO_EXTS = {"mp4", "avi", "mov", "wmv", "mkv", "flv"}
SHEET_EXTS = {"xlsx", "xls", "et", "csv"}


def kind_for_ext(ext: str) -> str:
    if ext in PHOTO_EXTS:
        return "photo"
    if ext in VIDEO_EXTS:
        return "video"
    if ext in SHEET_EXTS:
        return "table"
    return "document"


@dataclass
class ImportResult:
    filed: list[dict[str, Any]] = field(default_factory=list)
    unassigned: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""  # why the run stopped early (full disk, cancelled); rest is in ``refused``
    created_period: str = ""

    @property
    def new_document_ids(self) -> list[int]:
        return [e["document_id"] for e in self.filed + self.unassigned if e.get("new")]

    @property
    def changed_document_ids(self) -> list[int]:
        return [e["document_id"] for e in self.filed + self.unassigned]

    def as_json(self) -> dict[str, Any]:
        def clean(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return [{k: v for k, v in r.items() if k != "new"} for r in rows]

        out: dict[str, Any] = {
            "filed": clean(self.filed),
            "unassigned": clean(self.unassigned),
            "duplicates": clean(self.duplicates),
            "refused": clean(self.refused),
        }
        if self.error:
            out["error"] = self.error
        if self.created_period:
            out["created_period"] = self.created_period
        return out

    @property
    def total(self) -> int:
        return len(self.filed) + len(self.unassigned) + len(self.duplicates) + len(self.refused)


@dataclass
class _Pending:
    item: SourceItem
    staged: StagedFile
    standard_ids: list[int]
    unit_id: int | None


@dataclass
class _Context:
    period_id: int
    codes: dict[int, str]
    standard_ids: list[int] | None  # fixed target, or None for folder mapping
    unit_id: int | None
    matcher: StandardMatcher
    units: UnitMatcher


def _prepare(session: Session, period: str, standard: str | None, unit: str | None,
             result: ImportResult) -> _Context:
    from archive.documents import standard_by_code, unit_by_name
    from archive.models import Period

    existed = session.scalar(select(Period.id).where(Period.label == str(period)))
    p = get_period(session, period, create_year=True)
    if existed is None:
        result.created_period = p.label
    fw = current_framework(session)
    keys: list[StandardKey] = []
    if fw is not None:
        keys = [
            StandardKey(r.id, r.code, r.seq, r.title)
            for r in session.execute(
                select(Indicator.id, Indicator.code, Indicator.seq, Indicator.title).where(
                    Indicator.framework_id == fw.id, Indicator.is_standard.is_(True)
                )
            )
        ]
    fixed: list[int] | None = None
    if standard is not None:
        ind = standard_by_code(session, standard)
        if not ind.is_standard:
            from archive.errors import CivLedgerError

            raise CivLedgerError(
                f"“{standard} {ind.title}”不是测评标准（最末一级），文件只能归到测评标准下。"
            )
        fixed = [ind.id]
    unit_id = unit_by_name(session, unit).id if unit is not None else None
    units = UnitMatcher([(u.id, u.name, u.short_name) for u in session.scalars(select(Unit))])
    return _Context(p.id, {k.id: k.code for k in keys}, fixed, unit_id, StandardMatcher(keys),
                    units)


def _read(item: SourceItem, lib: Library) -> StagedFile:
    assert item.opener is not None
    ext = normalise_ext(item.name)
    with item.opener() as stream:
        if item.size <= WHOLE_READ_LIMIT:
            return lib.store.stage_bytes(stream.read(), ext)
        return lib.store.stage_stream(stream, ext)


def import_paths(
    lib: Library,
    paths: list[Path],
    period: str,
    standard: str | None = None,
    unit: str | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> ImportResult:
    """File everything under ``paths`` into ``period``; see the module docstring.

    Files are read, hashed and written to the store's staging area by a few threads (file I/O
    and SHA-256 release the GIL) one batch ahead, while this thread commits the previous batch.
    """
    result = ImportResult()
    with lib.session() as s:
        ctx = _prepare(s, period, standard, unit, result)
    sources = collect(paths)
    items = sources.items
    total = len(items)
    windows = [items[i : i + BATCH] for i in range(0, total, BATCH)]
    accounted: set[int] = set()  # id() of items already in the result
    outstanding: list[Future[StagedFile | str] | None] = []
    batch: list[_Pending] = []

    def stage(item: SourceItem) -> StagedFile | str:
        """The staged content, or the reason the file cannot be read."""
        try:
            return _read(item, lib)
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                raise
            return f"无法读取：{exc.strerror or exc}"
        except Exception as exc:  # noqa: BLE001 - a broken zip entry, for example
            return f"无法读取：{exc}"

    def refuse(item: SourceItem, reason: str) -> None:
        accounted.add(id(item))
        result.refused.append({"source_path": item.source_path, "reason": reason})

    done = 0
    with ThreadPoolExecutor(max_workers=STAGE_THREADS) as pool, \
            ThreadPoolExecutor(max_workers=1) as disk:

        def submit(window: list[SourceItem]) -> list[Future[StagedFile | str] | None]:
            return [None if it.refused else pool.submit(stage, it) for it in window]

        try:
            outstanding = submit(windows[0]) if windows else []
            for k, window in enumerate(windows):
                current, batch = outstanding, []
                for item, future in zip(window, current, strict=True):
                    progress(ProgressEvent(done, total, item.source_path))
                    if cancel is not None:
                        cancel.raise_if_cancelled()
                    done += 1
                    if future is None:
                        refuse(item, item.refused)
                        continue
                    outcome = future.result()
                    if isinstance(outcome, str):
                        refuse(item, outcome)
                        continue
                    batch.append(_Pending(item, outcome, *_targets(ctx, item)))
                outstanding = submit(windows[k + 1]) if k + 1 < len(windows) else []
                _flush(lib, ctx, batch, result, disk)
                accounted.update(id(p.item) for p in batch)
                batch = []
            progress(ProgressEvent(total, total, "完成"))
        except (Cancelled, OSError) as exc:
            _abandon(lib, batch, outstanding + (current if windows else []))
            result.error = _stop_reason(lib, exc)
            for item in items:
                if id(item) not in accounted:
                    refuse(item, "未处理：" + result.error)
        finally:
            sources.close()
    return result


def _targets(ctx: _Context, item: SourceItem) -> tuple[list[int], int | None]:
    """The standards and unit a file goes to: as given, else from its folders' names."""
    if ctx.standard_ids is not None:
        std_ids = ctx.standard_ids
    else:
        sid = ctx.matcher.match(item.folders)
        std_ids = [sid] if sid is not None else []
    unit_id = ctx.unit_id if ctx.unit_id is not None else ctx.units.match(item.folders)
    return std_ids, unit_id


def _abandon(lib: Library, batch: list[_Pending],
             futures: list[Future[StagedFile | str] | None]) -> None:
    """Drop staged content that will not be committed (nothing in the store refers to it)."""
    lib.store.discard(p.staged for p in batch)
    for future in futures:
        if future is None or future.cancel():
            continue
        try:
            outcome = future.result()
        except Exception:  # noqa: BLE001 - already failing; only cleaning up
            continue
        if isinstance(outcome, StagedFile):
            lib.store.discard([outcome])


def _stop_reason(lib: Library, exc: BaseException) -> str:
    if isinstance(exc, Cancelled):
        return "导入已取消；已导入的文件完好保存，再次导入同一位置会补全其余文件。"
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return (f"磁盘空间不足（写入资料库 {lib.root} 时）。已导入的文件完好保存；"
                "请腾出空间后重新导入，已导入的文件会被识别为重复。")
    return f"写入资料库 {lib.root} 失败：{exc}"


_SQLITE_TS = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores DateTime in SQLite


def _driver_value(value: Any) -> Any:
    """A value as SQLAlchemy would hand it to the SQLite driver (JSON text, timestamp text)."""
    if isinstance(value, dt.datetime):
        return value.strftime(_SQLITE_TS)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def _insert(session: Session, entity: type[Base], rows: list[dict[str, Any]],
            want_ids: bool = False) -> list[int]:
    """Insert many rows of one table; with ``want_ids``, return their ids in order.

    On SQLite the rows go straight to the driver in one ``executemany`` (SQLAlchemy's row
    processing costs more than the insert itself at 10,000 files), with ids given explicitly:
    the write lock is held first, so no other writer can take them. PostgreSQL batches
    ``RETURNING`` well and may have other clerks writing, so the sequence decides there.
    """
    if not rows:
        return []
    table = entity.__table__
    if session.get_bind().dialect.name != "sqlite":
        if not want_ids:
            session.execute(insert(table), rows)
            return []
        return list(session.scalars(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), rows).all())
    conn = session.connection()
    ids: list[int] = []
    if want_ids:
        conn.exec_driver_sql(f"UPDATE {table.name} SET id = id WHERE id = -1")  # take the lock
        start = (conn.exec_driver_sql(f"SELECT max(id) FROM {table.name}").scalar() or 0) + 1
        ids = list(range(start, start + len(rows)))
        rows = [dict(r, id=i) for r, i in zip(rows, ids, strict=True)]
    columns = list(rows[0])
    sql = (f"INSERT INTO {table.name} ({', '.join(columns)}) "
           f"VALUES ({', '.join('?' for _ in columns)})")
    conn.exec_driver_sql(sql, [tuple(_driver_value(r[c]) for c in columns) for r in rows])
    return ids


def _flush(lib: Library, ctx: _Context, batch: list[_Pending], result: ImportResult,
           disk: ThreadPoolExecutor) -> None:
    """Commit one batch: content made durable in the store (on ``disk``, a thread of its own)
    while the rows are prepared and inserted here; the transaction commits only after both."""
    if not batch:
        return
    unique: dict[str, StagedFile] = {}
    first_item: dict[str, SourceItem] = {}
    for p in batch:
        if p.staged.sha256 in unique:
            lib.store.discard([p.staged])
        else:
            unique[p.staged.sha256] = p.staged
            first_item[p.staged.sha256] = p.item
    stored = disk.submit(lib.store.commit, list(unique.values()))
    try:
        _insert_batch(lib, ctx, batch, unique, first_item, result, stored)
    finally:
        if not stored.done():
            stored.cancel() or stored.exception()  # never leave the disk work running


def _insert_batch(lib: Library, ctx: _Context, batch: list[_Pending],
                  unique: dict[str, StagedFile], first_item: dict[str, SourceItem],
                  result: ImportResult, stored: Future[list[Path]]) -> None:
    actor = current_actor()
    now = utcnow()
    filed: list[dict[str, Any]] = []
    unassigned: list[dict[str, Any]] = []
    duplicates: list[dict[str, Any]] = []
    with lib.session() as s:
        file_ids = dict(
            s.execute(select(File.sha256, File.id).where(File.sha256.in_(list(unique)))).all()
        )
        known_file_ids = list(file_ids.values())
        new_files = [
            {"sha256": sha, "size": st.size, "original_name": first_item[sha].name,
             "ext": st.ext, "page_count": None, "status": STATUS_PENDING,
             "status_reason": "", "info": {}, "created_at": now}
            for sha, st in unique.items()
            if sha not in file_ids
        ]
        ids = _insert(s, File, new_files, want_ids=True)
        file_ids.update({f["sha256"]: fid for f, fid in zip(new_files, ids, strict=True)})
        # Live documents of this period already holding known content, with their standards
        # (content new to the library cannot have any).
        existing: dict[int, tuple[int, set[int]]] = {}
        if known_file_ids:
            for doc_id, fid, sid in s.execute(
                select(Document.id, Document.file_id, DocumentStandard.indicator_id)
                .outerjoin(DocumentStandard, DocumentStandard.document_id == Document.id)
                .where(Document.period_id == ctx.period_id, Document.deleted_at.is_(None),
                       Document.file_id.in_(known_file_ids))
                .order_by(Document.id)
            ):
                entry = existing.setdefault(fid, (doc_id, set()))
                if entry[0] == doc_id and sid is not None:
                    entry[1].add(sid)
        # Decide per file: new document, more links on an existing one, or a duplicate.
        # Documents created in this batch get their ids below; until then they are -n.
        new_docs: list[_Pending] = []
        links: list[dict[str, Any]] = []
        audits: list[dict[str, Any]] = []
        for p in batch:
            fid = file_ids[p.staged.sha256]
            src = p.item.source_path
            have = existing.get(fid)
            if have is None:
                new_docs.append(p)
                existing[fid] = (-len(new_docs), set(p.standard_ids))
                continue
            doc_id, linked = have
            missing = [sid for sid in p.standard_ids if sid not in linked]
            if not missing:
                duplicates.append({"source_path": src, "document_id": doc_id,
                                   "standards": [ctx.codes.get(i, "") for i in sorted(linked)]})
                continue
            for sid in missing:
                linked.add(sid)
                links.append({"document_id": doc_id, "indicator_id": sid})
                audits.append({"entity_id": doc_id, "action": "link", "before": None,
                               "after": {"standard": ctx.codes.get(sid, "")}})
            filed.append({"source_path": src, "document_id": doc_id,
                          "standards": [ctx.codes[i] for i in missing], "new": False})
        titles = [Path(p.item.name).stem for p in new_docs]
        doc_ids = _insert(s, Document, [
            {"period_id": ctx.period_id, "unit_id": p.unit_id, "file_id": file_ids[p.staged.sha256],
             "kind": kind_for_ext(p.staged.ext), "title": title, "doc_number": "",
             "doc_date": None, "author": "", "retention": "30年", "classification": "公开",
             "remarks": "", "caption": "", "source_path": p.item.source_path, "released": False,
             "created_at": now, "updated_at": now, "deleted_at": None}
            for p, title in zip(new_docs, titles, strict=True)
        ], want_ids=True)
        for p, title, doc_id in zip(new_docs, titles, doc_ids, strict=True):
            for sid in p.standard_ids:
                links.append({"document_id": doc_id, "indicator_id": sid})
            audits.append({"entity_id": doc_id, "action": "create", "before": None,
                           "after": {"title": title, "source_path": p.item.source_path}})
            (filed if p.standard_ids else unassigned).append({
                "source_path": p.item.source_path, "document_id": doc_id,
                "standards": [ctx.codes[i] for i in p.standard_ids], "new": True})
        for rows, key in ((links, "document_id"), (audits, "entity_id"),
                          (duplicates, "document_id"), (filed, "document_id")):
            for r in rows:
                if r[key] < 0:
                    r[key] = doc_ids[-r[key] - 1]
        _insert(s, DocumentStandard, links)
        _insert(s, AuditEntry, [dict(a, actor=actor, at=now, entity="document") for a in audits])
        stored.result()  # the content is durable before the rows that point at it commit
    result.filed.extend(filed)
    result.unassigned.extend(unassigned)
    result.duplicates.extend(duplicates)

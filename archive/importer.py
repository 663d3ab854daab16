"""Filing evidence: files, folder trees and zips into a period's ledger.

The import is a UI-agnostic session: it reports progress through a callback, polls a cancel flag
between files, and returns an ``ImportResult`` that accounts for every input file (filed,
unassigned, duplicate or refused). Content is made durable in the store before the rows that point
at it are committed, a batch at a time. Text extraction is not done here: new files are
``pending`` and the indexing stage picks them up (``ImportResult.new_document_ids``).
"""

from __future__ import annotations

import errno
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from archive.audit import current_actor
from archive.errors import Cancelled
from archive.filestore import WHOLE_READ_LIMIT, StagedFile, normalise_ext
from archive.folder_mapping import StandardKey, StandardMatcher, UnitMatcher
from archive.frameworks import current_framework
from archive.import_sources import SourceItem, collect
from archive.library import Library
from archive.models import AuditEntry, Document, DocumentStandard, File, Indicator, Unit, utcnow
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
    with ThreadPoolExecutor(max_workers=STAGE_THREADS) as pool:

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
                _flush(lib, ctx, batch, result)
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


def _insert_with_ids(session: Session, entity: type[File] | type[Document],
                     rows: list[dict[str, Any]]) -> list[int]:
    """Insert rows and return their ids in order.

    SQLite executes ``INSERT … RETURNING`` row by row when the order must be kept; inside our
    write transaction no other writer can take ids, so there ids are given explicitly and the
    rows go in with one ``executemany``. PostgreSQL batches RETURNING well and may have
    other clerks writing at the same time, so it lets the sequence decide.
    """
    if session.get_bind().dialect.name == "sqlite":
        # Hold the write lock first, so max(id) cannot change under us.
        session.execute(update(entity).where(entity.id == -1).values(id=-1))
        start = (session.scalar(select(func.max(entity.id))) or 0) + 1
        ids = list(range(start, start + len(rows)))
        session.execute(insert(entity), [dict(r, id=i) for r, i in zip(rows, ids, strict=True)])
        return ids
    return list(session.scalars(
        insert(entity).returning(entity.id, sort_by_parameter_order=True), rows).all())


def _flush(lib: Library, ctx: _Context, batch: list[_Pending], result: ImportResult) -> None:
    if not batch:
        return
    unique: dict[str, StagedFile] = {}
    for p in batch:
        if p.staged.sha256 in unique:
            lib.store.discard([p.staged])
        else:
            unique[p.staged.sha256] = p.staged
    lib.store.commit(list(unique.values()))
    actor = current_actor()
    with lib.session() as s:
        file_ids = dict(
            s.execute(select(File.sha256, File.id).where(File.sha256.in_(list(unique)))).all()
        )
        first_item = {}
        for p in batch:
            first_item.setdefault(p.staged.sha256, p.item)
        new_files = [
            {"sha256": sha, "size": st.size, "original_name": first_item[sha].name,
             "ext": st.ext, "info": {}}
            for sha, st in unique.items()
            if sha not in file_ids
        ]
        if new_files:
            ids = _insert_with_ids(s, File, new_files)
            file_ids.update({f["sha256"]: fid for f, fid in zip(new_files, ids, strict=True)})
        # Live documents of this period already holding this content, with their standards.
        existing: dict[int, tuple[int, set[int]]] = {}
        for doc_id, fid, sid in s.execute(
            select(Document.id, Document.file_id, DocumentStandard.indicator_id)
            .outerjoin(DocumentStandard, DocumentStandard.document_id == Document.id)
            .where(Document.period_id == ctx.period_id, Document.deleted_at.is_(None),
                   Document.file_id.in_(list(file_ids.values())))
            .order_by(Document.id)
        ):
            entry = existing.setdefault(fid, (doc_id, set()))
            if entry[0] == doc_id and sid is not None:
                entry[1].add(sid)
        now = utcnow()
        new_docs: list[tuple[_Pending, int]] = []
        links: list[dict[str, int]] = []
        audits: list[dict[str, Any]] = []
        for p in batch:
            fid = file_ids[p.staged.sha256]
            src = p.item.source_path
            have = existing.get(fid)
            if have is not None:
                doc_id, linked = have
                missing = [sid for sid in p.standard_ids if sid not in linked]
                if not missing:
                    result.duplicates.append({
                        "source_path": src, "document_id": doc_id,
                        "standards": [ctx.codes.get(i, "") for i in sorted(linked)],
                    })
                    continue
                for sid in missing:
                    links.append({"document_id": doc_id, "indicator_id": sid})
                    linked.add(sid)
                    audits.append({"action": "link", "entity": "document", "entity_id": doc_id,
                                   "after": {"standard": ctx.codes.get(sid, "")}})
                result.filed.append({"source_path": src, "document_id": doc_id,
                                     "standards": [ctx.codes[i] for i in missing],
                                     "new": False})
                continue
            new_docs.append((p, fid))
            existing[fid] = (-len(new_docs), set(p.standard_ids))  # placeholder id
        if new_docs:
            doc_rows = [
                {
                    "period_id": ctx.period_id, "unit_id": p.unit_id, "file_id": fid,
                    "kind": kind_for_ext(p.staged.ext), "title": Path(p.item.name).stem,
                    "source_path": p.item.source_path, "created_at": now, "updated_at": now,
                }
                for p, fid in new_docs
            ]
            ids = _insert_with_ids(s, Document, doc_rows)
            for (p, fid), doc_id in zip(new_docs, ids, strict=True):
                if existing[fid][0] < 0:
                    existing[fid] = (doc_id, existing[fid][1])
                for sid in p.standard_ids:
                    links.append({"document_id": doc_id, "indicator_id": sid})
                audits.append({"action": "create", "entity": "document", "entity_id": doc_id,
                               "after": {"title": Path(p.item.name).stem,
                                         "source_path": p.item.source_path}})
                entry = {"source_path": p.item.source_path, "document_id": doc_id,
                         "standards": [ctx.codes[i] for i in p.standard_ids], "new": True}
                (result.filed if p.standard_ids else result.unassigned).append(entry)
            # Content that came twice in this batch was counted against a placeholder id
            # (-n for the n-th new document); point those rows at the real id.
            for rows in (links, audits):
                for r in rows:
                    key = "document_id" if "document_id" in r else "entity_id"
                    if r[key] < 0:
                        r[key] = ids[-r[key] - 1]
            for rows in (result.duplicates, result.filed):
                for r in rows:
                    if r["document_id"] < 0:
                        r["document_id"] = ids[-r["document_id"] - 1]
        if links:
            s.execute(insert(DocumentStandard), links)
        if audits:
            for a in audits:
                a.setdefault("before", None)
                a.setdefault("after", None)
                a["actor"] = actor
                a["at"] = now
            s.execute(insert(AuditEntry), audits)

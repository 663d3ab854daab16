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
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from archive.audit import current_actor
from archive.documents import paused_gc
from archive.errors import Cancelled
from archive.filestore import WHOLE_READ_LIMIT, FileStore, StagedFile, normalise_ext
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
from archive.priority import quick_gil_handover
from archive.progress import CancelToken, ProgressCallback, ProgressEvent, no_progress

# Files per transaction: a sync of the store and a commit each.
BATCH = 500
# The last batches shrink (BATCH/2, BATCH/4, ... while at least this many files): what is
# left to do once the last file is staged is committing the last batch, syncs included.
TAIL_MIN = 100
# Threads that read, hash and stage files; I/O and hashing release the GIL.
STAGE_THREADS = 2
# Files per staging task.
CHUNK = 25
# Batches staged ahead of the one being committed, so the stagers never wait for a commit.
LOOKAHEAD = 2
# Longest a stager waits for the GIL while this thread runs Python (``quick_gil_handover``):
# a stager needs it for a few microseconds between system calls, several times per file; with
# Python's 5 ms, filing 10,000 files, each stager was blocked about 0.49 s, with 0.2 ms 0.28 s
# (the scheduler's count, schedstat).
SWITCH_INTERVAL = 0.0002

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


@dataclass(slots=True)
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
    _targets: dict[tuple[str, ...], tuple[list[int], int | None]] = field(default_factory=dict)

    def targets(self, folders: tuple[str, ...]) -> tuple[list[int], int | None]:
        """The standards and unit a file goes to: as given, else from its folders' names
        (worked out once per folder; a folder holds many files)."""
        hit = self._targets.get(folders)
        if hit is None:
            if self.standard_ids is not None:
                std_ids = self.standard_ids
            else:
                sid = self.matcher.match(folders)
                std_ids = [sid] if sid is not None else []
            unit_id = self.unit_id if self.unit_id is not None else self.units.match(folders)
            hit = self._targets[folders] = (std_ids, unit_id)
        return hit


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


def _batch_bounds(total: int) -> list[tuple[int, int]]:
    """(start, end) of each batch: ``BATCH`` files, and at the end batches halving down to
    ``TAIL_MIN``, so the commit left after the last file is staged (sync, renames, sync)
    is a small one; the commits of the larger batches before it overlap staging."""
    tail: list[int] = []
    size = BATCH // 2
    left = total - BATCH  # at least one full batch before a shrinking tail
    while size >= TAIL_MIN and left >= size:
        tail.append(size)
        left -= size
        size //= 2
    bulk = (total - sum(tail)) // BATCH * BATCH
    rest = total - bulk - sum(tail)  # what does not fill a batch: into the tail's first
    if tail and tail[0] + rest <= BATCH:
        tail[0] += rest
    elif rest:
        tail.insert(0, rest)
    bounds = [(i, i + BATCH) for i in range(0, bulk, BATCH)]
    for size in tail:
        bounds.append((bulk, bulk + size))
        bulk += size
    return bounds


def _stage(store: FileStore, item: SourceItem) -> StagedFile | str:
    """The staged content, or the reason the file cannot be read. A full disk is not a
    property of one file: it propagates and stops the import."""
    try:
        ext = normalise_ext(item.name)
        if item.path:
            return store.stage_file(item.path, ext)
        assert item.opener is not None
        with item.opener() as stream:
            if item.size <= WHOLE_READ_LIMIT:
                return store.stage_bytes(stream.read(), ext)
            return store.stage_stream(stream, ext)
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise
        return f"无法读取：{exc.strerror or exc}"
    except Exception as exc:  # noqa: BLE001 - a broken zip entry, for example
        return f"无法读取：{exc}"


Outcome = StagedFile | str | None  # staged, the reason it could not be read, or not attempted


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
    and SHA-256 release the GIL), ``LOOKAHEAD`` batches ahead, in chunks of ``CHUNK`` files (a
    future per file costs more than copying a small file). This thread reports progress,
    polls ``cancel`` per file and commits each batch while the next ones are staged.
    """
    with paused_gc(), quick_gil_handover(SWITCH_INTERVAL):  # paused: 200,000 objects
        try:
            return _import(lib, paths, period, standard, unit, progress, cancel)
        finally:
            lib.store.end_staging()


def _import(lib: Library, paths: list[Path], period: str, standard: str | None,
            unit: str | None, progress: ProgressCallback,
            cancel: CancelToken | None) -> ImportResult:
    result = ImportResult()
    with lib.session() as s:
        ctx = _prepare(s, period, standard, unit, result)
    store = lib.store
    store.ensure()
    sources = collect(paths)
    items = sources.items
    total = len(items)
    windows = [items[i:j] for i, j in _batch_bounds(total)]
    accounted: set[int] = set()  # id() of items already in the result
    inflight: dict[int, list[Future[list[Outcome]]]] = {}  # window number -> chunk futures
    stop = threading.Event()

    def stage_chunk(chunk: list[SourceItem]) -> list[Outcome]:
        out: list[Outcome] = []
        try:
            for item in chunk:
                out.append(None if item.refused or stop.is_set() else _stage(store, item))
        except BaseException:
            store.discard(o for o in out if isinstance(o, StagedFile))
            raise
        return out

    def refuse(item: SourceItem, reason: str) -> None:
        accounted.add(id(item))
        result.refused.append({"source_path": item.source_path, "reason": reason})

    done = 0
    with ThreadPoolExecutor(max_workers=STAGE_THREADS) as pool, \
            ThreadPoolExecutor(max_workers=1) as disk:

        def submit(k: int) -> None:
            if k < len(windows) and k not in inflight:
                w = windows[k]
                inflight[k] = [pool.submit(stage_chunk, w[i : i + CHUNK])
                               for i in range(0, len(w), CHUNK)]

        # Per file, this thread holds the GIL the stagers need between their system calls:
        # the loop below does no more than it must (no event built when nobody listens).
        report = progress is not no_progress
        check = cancel.raise_if_cancelled if cancel is not None else None
        targets = ctx.targets
        try:
            for k, window in enumerate(windows):
                for ahead in range(k, k + 1 + LOOKAHEAD):
                    submit(ahead)
                batch: list[_Pending] = []
                pending_items = iter(window)
                for future in inflight[k]:
                    for outcome in future.result():
                        item = next(pending_items)
                        if report:
                            progress(ProgressEvent(done, total, item.source_path))
                        if check is not None:
                            check()
                        done += 1
                        if type(outcome) is StagedFile:
                            batch.append(_Pending(item, outcome, *targets(item.folders)))
                        else:
                            refuse(item, outcome or item.refused)
                _flush(lib, ctx, batch, result, disk)
                del inflight[k]
                accounted.update(id(p.item) for p in batch)
            progress(ProgressEvent(total, total, "完成"))
        except BaseException as exc:
            stop.set()
            _abandon(store, inflight)
            if not isinstance(exc, Cancelled | OSError):
                raise
            result.error = _stop_reason(lib, exc)
            for item in items:
                if id(item) not in accounted:
                    refuse(item, "未处理：" + result.error)
        finally:
            sources.close()
    return result


def _abandon(store: FileStore, inflight: dict[int, list[Future[list[Outcome]]]]) -> None:
    """Drop staged content that will not be committed (no row refers to it). Content already
    renamed into the store stays there as an orphan, which the next import adopts."""
    for futures in inflight.values():
        for future in futures:
            if future.cancel():
                continue
            try:
                outcomes = future.result()
            except Exception:  # noqa: BLE001 - already failing; only cleaning up
                continue
            store.discard(o for o in outcomes if isinstance(o, StagedFile))


def _stop_reason(lib: Library, exc: BaseException) -> str:
    if isinstance(exc, Cancelled):
        return "导入已取消；已导入的文件完好保存，再次导入同一位置会补全其余文件。"
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return (f"磁盘空间不足（写入资料库 {lib.root} 时）。已导入的文件完好保存；"
                "请腾出空间后重新导入，已导入的文件会被识别为重复。")
    return f"写入资料库 {lib.root} 失败：{exc}"


_SQLITE_TS = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores DateTime in SQLite
_ENCODER = json.JSONEncoder(ensure_ascii=False)  # one for all rows (json.dumps makes one per call)
_quote = json.encoder.encode_basestring  # the C quoting that encoder uses for text


def _encode_json(value: dict[str, Any]) -> str:
    """``json.dumps(value, ensure_ascii=False)``; audit details (a few text fields, one row
    per file) are quoted directly, several times faster than through the encoder."""
    if all(type(v) is str for v in value.values()):
        return "{" + ", ".join([f"{_quote(k)}: {_quote(v)}" for k, v in value.items()]) + "}"
    return _ENCODER.encode(value)


class _Writer:
    """Inserts rows given as tuples in column order.

    On SQLite the rows go straight to the driver in one ``executemany`` (SQLAlchemy's row
    processing costs more than the insert itself at 10,000 files), values already in the form
    SQLAlchemy would store (timestamp text, JSON text), and ids given explicitly: the session
    began with ``BEGIN IMMEDIATE`` (``archive.db``), so no other writer can take them.
    PostgreSQL batches ``RETURNING`` well and may have other clerks writing, so its sequence
    decides there, through SQLAlchemy.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.sqlite = session.get_bind().dialect.name == "sqlite"

    def timestamp(self, value: dt.datetime) -> Any:
        return value.strftime(_SQLITE_TS) if self.sqlite else value

    def json(self, value: dict[str, Any] | None) -> Any:
        if value is None or not self.sqlite:
            return value
        return _encode_json(value)

    def file_ids(self, shas: list[str]) -> dict[str, int]:
        """Ids of the stored files among ``shas``."""
        if not shas:
            return {}
        if not self.sqlite:
            return dict(self.session.execute(
                select(File.sha256, File.id).where(File.sha256.in_(shas))).all())
        return dict(self.session.connection().exec_driver_sql(
            f"SELECT sha256, id FROM file WHERE sha256 IN ({', '.join('?' * len(shas))})",
            tuple(shas)).all())

    def insert(self, entity: type[Base], columns: tuple[str, ...], rows: list[tuple[Any, ...]],
               want_ids: bool = False, fixed: dict[str, Any] | None = None) -> list[int]:
        """Insert ``rows``; with ``want_ids``, return their ids in order. ``fixed`` holds the
        columns whose value is the same for every row: on SQLite they are written into the
        statement as literals, so the driver binds (and copies) only what varies per row —
        about half the per-row cost of the insert for documents."""
        if not rows:
            return []
        table = entity.__table__
        fixed = fixed or {}
        if not self.sqlite:
            params = [dict(zip(columns, r, strict=True)) | fixed for r in rows]
            if not want_ids:
                self.session.execute(insert(table), params)
                return []
            return list(self.session.scalars(
                insert(table).returning(table.c.id, sort_by_parameter_order=True), params).all())
        conn = self.session.connection()
        ids: list[int] = []
        if want_ids:
            start = (conn.exec_driver_sql(f"SELECT max(id) FROM {table.name}").scalar() or 0) + 1
            ids = list(range(start, start + len(rows)))
            columns = ("id", *columns)
            rows = [(i, *r) for i, r in zip(ids, rows, strict=True)]
        names = ", ".join((*columns, *fixed))
        values = ", ".join(("?",) * len(columns) + tuple(_sql_literal(v) for v in fixed.values()))
        conn.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({values})", rows)
        return ids


def _sql_literal(value: Any) -> str:
    """A constant as SQLite literal text (only the plain types the import writes)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and "\0" not in value:
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"not a literal the import writes: {value!r}")


# Columns given per row; the rest of each table's columns are the same for a whole batch and
# go into the statement as literals (``_Writer.insert``'s ``fixed``).
_FILE_COLUMNS = ("sha256", "size", "original_name", "ext")
_DOCUMENT_COLUMNS = ("unit_id", "file_id", "kind", "title", "source_path")
_LINK_COLUMNS = ("document_id", "indicator_id")
_AUDIT_COLUMNS = ("action", "entity_id", "after")


def _stem(name: str) -> str:
    """``Path(name).stem`` without a path object per file."""
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


def _flush(lib: Library, ctx: _Context, batch: list[_Pending], result: ImportResult,
           disk: ThreadPoolExecutor) -> None:
    """Commit one batch: content made durable in the store (on ``disk``, a thread of its own)
    while the rows are prepared and inserted here; the transaction commits only after both."""
    if not batch:
        return
    unique: dict[str, StagedFile] = {}
    first_name: dict[str, str] = {}
    repeated: list[StagedFile] = []
    for p in batch:
        sha = p.staged.sha256
        if sha in unique:
            repeated.append(p.staged)
        else:
            unique[sha] = p.staged
            first_name[sha] = p.item.name
    lib.store.discard(repeated)
    stored = disk.submit(lib.store.commit, list(unique.values()))
    try:
        _insert_batch(lib, ctx, batch, unique, first_name, result, stored)
    finally:
        if not stored.done():
            stored.cancel() or stored.exception()  # never leave the disk work running


def _insert_batch(lib: Library, ctx: _Context, batch: list[_Pending],
                  unique: dict[str, StagedFile], first_name: dict[str, str],
                  result: ImportResult, stored: Future[list[str]]) -> None:
    filed: list[dict[str, Any]] = []
    unassigned: list[dict[str, Any]] = []
    duplicates: list[dict[str, Any]] = []
    codes = ctx.codes
    with lib.session() as s:
        w = _Writer(s)
        now = w.timestamp(utcnow())
        file_ids = w.file_ids(list(unique))
        known_file_ids = list(file_ids.values())
        new_shas = [sha for sha in unique if sha not in file_ids]
        ids = w.insert(File, _FILE_COLUMNS, [
            (sha, unique[sha].size, first_name[sha], unique[sha].ext) for sha in new_shas
        ], want_ids=True, fixed={"page_count": None, "status": STATUS_PENDING,
                                 "status_reason": "", "info": w.json({}), "created_at": now})
        file_ids.update(zip(new_shas, ids, strict=True))
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
        new_fids: list[int] = []
        links: list[tuple[int, int]] = []
        audits: list[tuple[str, int, Any]] = []
        refers_new = False  # an entry names a document made in this batch (by its -n)
        for p in batch:
            fid = file_ids[p.staged.sha256]
            have = existing.get(fid)
            if have is None:
                new_docs.append(p)
                new_fids.append(fid)
                existing[fid] = (-len(new_docs), set(p.standard_ids))
                continue
            doc_id, linked = have
            refers_new = refers_new or doc_id < 0
            missing = [sid for sid in p.standard_ids if sid not in linked]
            if not missing:
                duplicates.append({"source_path": p.item.source_path, "document_id": doc_id,
                                   "standards": [codes.get(i, "") for i in sorted(linked)]})
                continue
            for sid in missing:
                linked.add(sid)
                links.append((doc_id, sid))
                audits.append(("link", doc_id, w.json({"standard": codes.get(sid, "")})))
            filed.append({"source_path": p.item.source_path, "document_id": doc_id,
                          "standards": [codes[i] for i in missing], "new": False})
        rows: list[tuple[Any, ...]] = []
        details: list[str] = []
        for p, fid in zip(new_docs, new_fids, strict=True):
            title = _stem(p.item.name)
            src = p.item.source_path
            rows.append((p.unit_id, fid, kind_for_ext(p.staged.ext), title, src))
            details.append(_created(title, src) if w.sqlite else
                           {"title": title, "source_path": src})
        doc_ids = w.insert(Document, _DOCUMENT_COLUMNS, rows, want_ids=True, fixed={
            "period_id": ctx.period_id, "doc_number": "", "doc_date": None, "author": "",
            "retention": "30年", "classification": "公开", "remarks": "", "caption": "",
            "released": False, "created_at": now, "updated_at": now, "deleted_at": None})
        for p, doc_id, detail in zip(new_docs, doc_ids, details, strict=True):
            standard_ids = p.standard_ids
            for sid in standard_ids:
                links.append((doc_id, sid))
            audits.append(("create", doc_id, detail))
            (filed if standard_ids else unassigned).append({
                "source_path": p.item.source_path, "document_id": doc_id,
                "standards": [codes[i] for i in standard_ids], "new": True})
        if refers_new:
            for entries in (duplicates, filed):
                for e in entries:
                    if e["document_id"] < 0:
                        e["document_id"] = doc_ids[-e["document_id"] - 1]
            links = [(doc_ids[-d - 1] if d < 0 else d, sid) for d, sid in links]
            audits = [(a, doc_ids[-d - 1] if d < 0 else d, after) for a, d, after in audits]
        w.insert(DocumentStandard, _LINK_COLUMNS, links)
        w.insert(AuditEntry, _AUDIT_COLUMNS, audits, fixed={
            "at": now, "actor": current_actor(), "entity": "document", "before": None})
        stored.result()  # the content is durable before the rows that point at it commit
    result.filed.extend(filed)
    result.unassigned.extend(unassigned)
    result.duplicates.extend(duplicates)


def _created(title: str, source_path: str) -> str:
    """The audit detail of a new document as JSON text: what ``_encode_json`` makes of
    ``{"title": …, "source_path": …}``, without building the dict (one per file)."""
    return f'{{"title": {_quote(title)}, "source_path": {_quote(source_path)}}}'

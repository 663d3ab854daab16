"""The Whoosh index: a cache of the database, rebuilt whenever it is missing, broken or old.

Layout of ``lib.index_dir``::

    current.json   {"format": INDEX_FORMAT, "generation": "g000003"}
    g000003/       the Whoosh index in use

A rebuild writes a new generation beside the one in use and then replaces ``current.json``
(an atomic rename), so searches keep working during a rebuild, a rebuild that is interrupted
leaves the old index in place, and on Windows no file another process still has open needs to
be deleted or renamed; old generations are removed when nothing holds them any more.

Whoosh 3.54 (the ``whoosh3`` distribution, pinned in pyproject.toml) is the maintained Whoosh for
Python 3.10–3.14; the schema pickles the analyzer classes of ``indexing.analysis``, so those stay
where they are and ``INDEX_FORMAT`` changes whenever the schema or the analyzer does.

Each live document is one index entry: its metadata typed or proposed (题名, 文号, 责任者,
caption, remarks, file name) and the file's text (``content``, which alone decides whether a
document is a candidate), the metadata again (``meta``, weighing more in the ranking), jieba
words of both (``words``; of a long text, those of its beginning), and filter fields (period,
unit, standards, file type). ``stamp`` records what the entry was made from, so ``reconcile``
can find entries a crash left stale.

Entries are written by ``indexing.fast_writer.FastSegmentWriter`` (Whoosh's format, written a
term at a time instead of a posting at a time); during an extraction run the workers count the
text's terms (``analysis.text_terms``) and the writer only adds the metadata's.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import threading
import time
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from whoosh import index as whoosh_index
from whoosh import scoring
from whoosh.fields import ID, KEYWORD, STORED, Schema
from whoosh.index import FileIndex, LockError
from whoosh.searching import Searcher

from archive.errors import Cancelled, CivLedgerError
from archive.library import Library
from archive.models import Document, DocumentStandard, File
from archive.progress import CancelToken, ProgressCallback, ProgressEvent, no_progress
from indexing.analysis import BigramField, WordField, combine_terms, text_words, words
from indexing.fast_writer import FastSegmentWriter

INDEX_FORMAT = 5
POINTER = "current.json"
CHUNK = 500
# A rebuild writes a segment per this many documents: the writer holds a segment's postings in
# memory (~20 KB a document), and a few segments search about as fast as one.
REBUILD_SEGMENT = 5000
LOCK_TIMEOUT = 60.0
# The smallest segment a long run writes before its end (see ``BulkUpdater.update``): each
# segment writes every distinct term it has again (~0.5 s for a few thousand documents), so
# smaller ones cost more than the wait they save.
TAIL_SEGMENT = 2000


class SearchIndexError(CivLedgerError):
    """The search index cannot be written (another program holds it, the disk is full …)."""


# ``content`` records only which terms a document has: its length says nothing about relevance,
# so BM25 does not normalise it (ranking comes from ``meta`` and ``words``, which count).
WEIGHTING = scoring.BM25F(content_B=0.0)
LENGTH_BLIND = ("content",)  # fields whose ranking ignores lengths (``FastSegmentWriter``)


def make_schema() -> Schema:
    return Schema(
        doc_id=ID(stored=True, unique=True, sortable=True),  # a column: ids of hits fast
        content=BigramField(frequency=False),  # candidates; words and meta weigh the ranking
        meta=BigramField(field_boost=3.0),
        words=WordField(),
        period=ID(),
        unit=ID(),
        standards=KEYWORD(),
        ext=ID(),
        stamp=STORED(),
    )


# -- opening ------------------------------------------------------------------------------------
_lock = threading.Lock()
_write_locks: dict[Path, threading.Lock] = {}
_open: dict[Path, tuple[str, FileIndex]] = {}
# Searchers read through file handles they seek in: one per thread, never shared.
_local = threading.local()


def _searchers() -> dict[Path, tuple[str, Searcher]]:
    if not hasattr(_local, "searchers"):
        _local.searchers = {}
    return _local.searchers  # type: ignore[no-any-return]


def _write_lock(lib: Library) -> threading.Lock:
    with _lock:
        return _write_locks.setdefault(lib.index_dir.resolve(), threading.Lock())


def _read_pointer(lib: Library) -> str | None:
    """The generation in use, or None when there is no usable index."""
    try:
        data = json.loads((lib.index_dir / POINTER).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != INDEX_FORMAT:
        return None
    generation = data.get("generation")
    if not isinstance(generation, str) or not (lib.index_dir / generation).is_dir():
        return None
    return generation


def _write_pointer(lib: Library, generation: str) -> None:
    tmp = lib.index_dir / f"{POINTER}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps({"format": INDEX_FORMAT, "generation": generation}), "utf-8")
    for attempt in range(50):
        try:
            os.replace(tmp, lib.index_dir / POINTER)
            return
        except PermissionError:  # Windows: a reader has the pointer open for a moment
            time.sleep(0.1 * (attempt + 1))
    raise SearchIndexError(f"无法更新检索索引（{lib.index_dir / POINTER} 被占用）。请稍后重试。")


def _try_open(lib: Library) -> FileIndex | None:
    key = lib.index_dir.resolve()
    generation = _read_pointer(lib)
    if generation is None:
        return None
    with _lock:
        cached = _open.get(key)
        if cached is not None and cached[0] == generation:
            return cached[1]
    broken = False
    # Whoosh leaves a file open when it fails on a broken table of contents; collect it here
    # rather than let a ResourceWarning surface at some later garbage collection.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            ix = whoosh_index.open_dir(str(lib.index_dir / generation))
            ix.doc_count()  # reads the table of contents and segments: fails when broken
        except Exception:  # noqa: BLE001 - any failure to open means "rebuild"
            broken = True
        if broken:
            gc.collect()
            return None
    with _lock:
        _open[key] = (generation, ix)
    return ix


def is_usable(lib: Library) -> bool:
    return _try_open(lib) is not None


def open_index(lib: Library, progress: ProgressCallback = no_progress,
               cancel: CancelToken | None = None) -> FileIndex:
    """The index of ``lib``, rebuilt from the database first when missing, broken or old."""
    ix = _try_open(lib)
    if ix is None:
        rebuild(lib, progress, cancel)
        ix = _try_open(lib)
        if ix is None:
            raise SearchIndexError(f"检索索引无法打开，重建后仍然失败：{lib.index_dir}")
    return ix


def searcher(lib: Library) -> Searcher:
    """A searcher on the latest committed state: cached per thread, renewed when the index
    changed. Use it in the thread that asked for it."""
    ix = open_index(lib)
    key = lib.index_dir.resolve()
    generation = _read_pointer(lib) or ""
    cache = _searchers()
    cached = cache.get(key)
    if cached is not None and cached[0] == generation and cached[1].up_to_date():
        return cached[1]
    # Not ``Searcher.refresh()``: it reuses the readers of unchanged segments with their old
    # deletion sets, so entries deleted since then would still be found.
    if cached is not None:
        cached[1].close()
    s = ix.searcher(weighting=WEIGHTING)
    cache[key] = (generation, s)
    return s


def close(lib: Library) -> None:
    """Forget this thread's cached reader of ``lib``'s index (before deleting it, in tests)."""
    key = lib.index_dir.resolve()
    with _lock:
        _open.pop(key, None)
    cached = _searchers().pop(key, None)
    if cached is not None:
        cached[1].close()


# -- what goes in -------------------------------------------------------------------------------
def stamp_of(status: str, extracted_at: Any, updated_at: Any) -> str:
    return f"{status}|{extracted_at.isoformat() if extracted_at else ''}|" \
           f"{updated_at.isoformat() if updated_at else ''}"


def _chunks(ids: list[int], size: int | None = None) -> Iterator[list[int]]:
    size = size or CHUNK
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _fields(session: Session, ids: list[int], analyzed: Mapping[int, dict[str, Any]] | None = None,
            ) -> tuple[dict[int, dict[str, Any]], list[int]]:
    """Index fields of the live documents among ``ids``, and the ids not (or no longer) live.

    ``analyzed`` maps file ids to the terms of their text counted in the extraction workers
    (``analysis.text_terms``); those documents' text is neither read nor analysed again here.
    """
    text = File.text if not analyzed else func.length(File.text)
    rows = session.execute(
        select(Document.id, File.id.label("file_id"), Document.title, Document.doc_number,
               Document.author, Document.caption, Document.remarks, Document.period_id,
               Document.unit_id, Document.updated_at, Document.deleted_at,
               text.label("text"), File.ext, File.status, File.extracted_at,
               File.original_name)
        .join(File, File.id == Document.file_id)
        .where(Document.id.in_(ids))
    ).all()
    links: dict[int, list[str]] = {}
    for doc_id, ind_id in session.execute(
        select(DocumentStandard.document_id, DocumentStandard.indicator_id)
        .where(DocumentStandard.document_id.in_(ids))
    ):
        links.setdefault(doc_id, []).append(str(ind_id))
    out: dict[int, dict[str, Any]] = {}
    unread: dict[int, int] = {}  # document → file whose text must be read after all
    for r in rows:
        if r.deleted_at is not None:
            continue
        meta = "\n".join(x for x in (r.title, r.doc_number, r.author, r.caption, r.remarks,
                                     r.original_name) if x)
        fields: dict[str, Any] = {
            "doc_id": str(r.id),
            "meta": meta,
            "period": str(r.period_id),
            "unit": str(r.unit_id) if r.unit_id is not None else "",
            "standards": " ".join(links.get(r.id, [])),
            "ext": (r.ext or "").lower(),
            "stamp": stamp_of(r.status, r.extracted_at, r.updated_at),
        }
        out[r.id] = fields
        if not analyzed:
            _set_text(fields, meta, r.text)
            continue
        terms = analyzed.get(r.file_id)
        if terms is not None and r.text and terms["chars"] == r.text:  # text is its length here
            fields["_terms"] = combine_terms(meta, terms)
        elif r.text:
            unread[r.id] = r.file_id
        else:
            _set_text(fields, meta, "")
    if unread:
        texts = dict(session.execute(select(File.id, File.text).where(
            File.id.in_(set(unread.values())))).all())
        for doc_id, file_id in unread.items():
            _set_text(out[doc_id], out[doc_id]["meta"], texts.get(file_id))
    gone = [i for i in ids if i not in out]
    return out, gone


def _set_text(fields: dict[str, Any], meta: str, text: str | None) -> None:
    # content holds the metadata too: one field decides whether a document is a candidate;
    # words are the metadata's and the text's beginning's (``analysis.text_words``), as the
    # extraction workers count them
    fields["content"] = meta + "\n" + (text or "")
    fields["_terms"] = {"words": Counter(words(meta)) + Counter(text_words(text or ""))}


# Segments below this many documents are merged once there are enough of them. Whoosh's own
# policy (MERGE_SMALL) would, with a few large segments present, merge everything on an
# ordinary commit: minutes of work after a one-document edit on a 20,000-document library.
SMALL_SEGMENT = 500
SMALL_SEGMENTS_BEFORE_MERGE = 6
# A segment with more than this share of its documents deleted is rewritten at the next commit.
STALE_SHARE = 0.5


def merge_small_segments(writer: Any, segments: list[Any]) -> list[Any]:
    """Whoosh merge policy: merge the small segments together once there are several; never
    touch large ones (``index --rebuild`` writes segments of ``REBUILD_SEGMENT`` documents),
    except that a segment whose documents were all replaced is dropped, and one mostly
    replaced is rewritten with its live documents (after an import, extraction replaces every
    entry the import made: without this, searches would read those dead postings for good)."""
    from whoosh.reading import SegmentReader

    live = [seg for seg in segments if seg.doc_count() > 0]
    stale = [seg for seg in live if seg.deleted_count() > seg.doc_count_all() * STALE_SHARE]
    small = [seg for seg in live
             if seg.doc_count_all() < SMALL_SEGMENT and seg not in stale]
    if len(small) < SMALL_SEGMENTS_BEFORE_MERGE:
        small = []
    for seg in stale + small:
        reader = SegmentReader(writer.storage, writer.schema, seg)
        writer.add_reader(reader)
        reader.close()
    return [seg for seg in live if seg not in stale and seg not in small]


def _writer(ix: FileIndex) -> Any:
    try:
        return FastSegmentWriter(ix, LENGTH_BLIND, timeout=LOCK_TIMEOUT)
    except LockError:
        raise SearchIndexError("检索索引正被另一个程序更新（例如另一个创文台账窗口），请稍后重试。") from None


# -- writing ------------------------------------------------------------------------------------
def _replace(writer: Any, ids: list[int], docs: dict[int, dict[str, Any]],
             entries: dict[str, list[int]] | None = None) -> None:
    """Delete every entry of ``ids``, then add the live ones again (Whoosh's advice for
    batches: cheaper than ``update_document``, which searches once per document).
    ``entries``: ``_entries_by_doc_id`` of the writer, when it has been read."""
    for doc_id in ids:
        if entries is None:
            writer.delete_by_term("doc_id", str(doc_id))
        else:
            for docnum in entries.pop(str(doc_id), ()):
                writer.delete_document(docnum)
    for fields in docs.values():
        writer.add_document(**fields)


# A run that replaces at least 1/60 of the index's entries finds them by reading the doc_id
# column once per writer (``BulkUpdater``); a smaller one searches for each.
COLUMN_READ_RATIO = 60


def _entries_by_doc_id(writer: Any) -> dict[str, list[int]]:
    """The document numbers of the live entries in the segments a writer extends, by doc_id.

    One pass over the doc_id column when a long run opens a writer (30 ms at 20,000 entries)
    instead of a term search for each replaced document (~90 µs each).
    """
    out: dict[str, list[int]] = {}
    reader = writer.reader()
    try:
        if reader.doc_count_all():
            column = reader.column_reader("doc_id")
            for docnum in reader.all_doc_ids():
                out.setdefault(column[docnum], []).append(docnum)
    finally:
        reader.close()
    return out


def update(lib: Library, document_ids: Iterable[int],
           cancel: CancelToken | None = None) -> dict[str, int]:
    """Bring the entries of ``document_ids`` up to date: add or replace live documents, remove
    deleted or vanished ones. Returns {"indexed": n, "removed": m}."""
    ids = sorted(set(document_ids))
    if not ids:
        return {"indexed": 0, "removed": 0}
    ix = open_index(lib, cancel=cancel)
    indexed = removed = 0
    with _write_lock(lib):
        writer = _writer(ix)
        try:
            for chunk in _chunks(ids):
                if cancel is not None:
                    cancel.raise_if_cancelled()
                with lib.read_session() as s:
                    docs, gone = _fields(s, chunk)
                _replace(writer, chunk, docs)
                indexed += len(docs)
                removed += len(chunk) - len(docs)
        except BaseException:
            writer.cancel()
            raise
        writer.commit(mergetype=merge_small_segments)
    return {"indexed": indexed, "removed": removed}


class BulkUpdater:
    """Index updates for a long run (extracting thousands of files): one writer receives the
    batches and commits every ``commit_docs`` documents or ``commit_seconds``, so the run does
    not pay a commit (and its merges) per batch, and other writers wait at most that long.
    What is not committed when the run dies is found again by ``reconcile``."""

    def __init__(self, lib: Library, commit_docs: int = 5000, commit_seconds: float = 30.0,
                 cancel: CancelToken | None = None) -> None:
        self.lib = lib
        self.commit_docs = commit_docs
        self.commit_seconds = commit_seconds
        self.cancel = cancel
        self.ix = open_index(lib, cancel=cancel)
        self.writer: Any = None
        self.pending = 0
        self.opened = 0.0
        self.indexed = 0
        self.removed = 0
        self.written: set[int] = set()
        self.entries: dict[str, list[int]] | None = None

    def update(self, document_ids: list[int],
               analyzed: Mapping[int, dict[str, Any]] | None = None,
               remaining: int | None = None) -> None:
        """Replace the entries of ``document_ids``; ``analyzed`` as for ``_fields``.

        ``remaining``: how many more documents the run expects. Writing a segment takes the
        writer about a millisecond a document, and the last one is written after the workers
        have finished, with nothing left to overlap it: so towards the end segments are
        written as soon as they hold as many documents as are still to come (5,000, then
        2,500 … down to ``TAIL_SEGMENT``), each while the workers extract the rest.
        """
        if self.writer is None:
            _write_lock(self.lib).acquire()
            try:
                self.writer = _writer(self.ix)
                # Reading the column costs ~1.5 µs an entry, a term search ~90 µs a replaced
                # document: read it only when this run replaces enough of them.
                expected = len(document_ids) + (remaining or 0)
                if expected * COLUMN_READ_RATIO >= self.ix.doc_count_all():
                    self.entries = _entries_by_doc_id(self.writer)
            except BaseException:
                if self.writer is not None:
                    self.writer.cancel()
                    self.writer = None
                _write_lock(self.lib).release()
                raise
            self.opened = time.monotonic()
        ids = sorted(set(document_ids))
        if self.written.intersection(ids):
            # A deletion only sees committed entries: commit before replacing one again.
            self.commit(final=False)
            self.update(ids, analyzed)
            return
        for chunk in _chunks(ids):
            with self.lib.read_session() as s:
                docs, _gone = _fields(s, chunk, analyzed)
            _replace(self.writer, chunk, docs, self.entries)
            self.indexed += len(docs)
            self.removed += len(chunk) - len(docs)
            self.pending += len(chunk)
        self.written.update(ids)
        if (self.pending >= self.commit_docs
                or time.monotonic() - self.opened >= self.commit_seconds
                or (remaining and self.pending >= max(remaining, TAIL_SEGMENT))):
            self.commit(final=False)

    def commit(self, final: bool = True) -> None:
        if self.writer is None:
            return
        try:
            if final:
                self.writer.commit(mergetype=merge_small_segments)
            else:
                self.writer.commit(merge=False)
        finally:
            self.writer = None
            self.pending = 0
            self.written.clear()
            self.entries = None
            _write_lock(self.lib).release()

    def cancel_pending(self) -> None:
        if self.writer is None:
            return
        try:
            self.writer.cancel()
        finally:
            self.writer = None
            self.pending = 0
            self.written.clear()
            self.entries = None
            _write_lock(self.lib).release()


def _live_ids(lib: Library) -> list[int]:
    with lib.read_session() as s:
        return list(s.scalars(
            select(Document.id).where(Document.deleted_at.is_(None)).order_by(Document.id)))


def rebuild(lib: Library, progress: ProgressCallback = no_progress,
            cancel: CancelToken | None = None) -> dict[str, Any]:
    """Recreate the index from the database (the extracted text there; nothing is re-read).

    Returns {"indexed": n, "seconds": t}. Cancelling leaves the previous index in use.
    """
    started = time.perf_counter()
    lib.index_dir.mkdir(parents=True, exist_ok=True)
    with _write_lock(lib):
        generation = f"g{time.time_ns():x}"
        target = lib.index_dir / generation
        target.mkdir()
        ok = False
        try:
            ix = whoosh_index.create_in(str(target), make_schema())
            ids = _live_ids(lib)
            total = len(ids)
            progress(ProgressEvent(0, total, "重建检索索引"))
            writer = FastSegmentWriter(ix, LENGTH_BLIND)
            try:
                done = in_segment = 0
                for chunk in _chunks(ids):
                    if cancel is not None and cancel.cancelled:
                        raise Cancelled("重建索引已取消，原索引保持不变")
                    with lib.read_session() as s:
                        docs, _gone = _fields(s, chunk)
                    for fields in docs.values():
                        writer.add_document(**fields)
                    done += len(chunk)
                    in_segment += len(chunk)
                    progress(ProgressEvent(done, total, "重建检索索引"))
                    if in_segment >= REBUILD_SEGMENT and done < total:
                        writer.commit(merge=False)  # the postings in memory go to disk
                        writer = FastSegmentWriter(ix, LENGTH_BLIND)
                        in_segment = 0
            except BaseException:
                writer.cancel()
                raise
            progress(ProgressEvent(total, total, "写入检索索引"))
            writer.commit(merge=False)
            ix.close()
            _write_pointer(lib, generation)
            ok = True
        finally:
            if not ok:
                shutil.rmtree(target, ignore_errors=True)
    close(lib)
    remove_old_generations(lib)
    return {"indexed": total, "seconds": round(time.perf_counter() - started, 3)}


def remove_old_generations(lib: Library) -> None:
    """Delete generations other than the one in use (a reader elsewhere may still hold one:
    on Windows that deletion fails and is tried again next time)."""
    current = _read_pointer(lib)
    if not lib.index_dir.is_dir():
        return
    for child in lib.index_dir.iterdir():
        if child.is_dir() and child.name != current and child.name.startswith("g"):
            shutil.rmtree(child, ignore_errors=True)


def indexed_stamps(lib: Library) -> dict[int, str]:
    """doc id → stamp of every entry in the index."""
    s = searcher(lib)
    return {int(f["doc_id"]): f.get("stamp", "") for f in s.all_stored_fields()}


def reconcile(lib: Library, cancel: CancelToken | None = None) -> dict[str, int]:
    """Update entries that are missing, stale or left over (after a crash between a database
    commit and the index commit, or a change made while the index was not listening)."""
    with lib.read_session() as s:
        rows = s.execute(
            select(Document.id, File.status, File.extracted_at, Document.updated_at)
            .join(File, File.id == Document.file_id)
            .where(Document.deleted_at.is_(None))
        ).all()
    want = {r[0]: stamp_of(r[1], r[2], r[3]) for r in rows}
    have = indexed_stamps(lib)
    changed = [i for i, stamp in want.items() if have.get(i) != stamp]
    extra = [i for i in have if i not in want]
    if changed or extra:
        update(lib, changed + extra, cancel)
    return {"updated": len(changed), "removed": len(extra)}

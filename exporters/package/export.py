"""The export of an assessment package: select, lay out, generate, write, verify, manifest.

``export_package`` is the one call the command line and the GUI's export wizard make; it returns
an ``ExportReport`` rather than raising for what concerns single files (held back, renamed, a
failed read-back), and raises ``CivLedgerError`` only for what stops the export before anything is
written (no such period, a target folder that is not ours, too little space).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive.documents import paused_gc
from archive.errors import Cancelled, CivLedgerError
from archive.library import Library
from archive.models import Document, DocumentStandard
from archive.periods import get_period
from archive.progress import CancelToken, ProgressCallback, no_progress
from exporters.package.generation import Generation, start_generation
from exporters.package.layout import Layout, plan_layout
from exporters.package.manifest import (
    BAG_INFO_TXT,
    BAGIT_TXT,
    INCOMPLETE_MARKER,
    BagInfo,
    parse_bag_info,
    read_manifest,
    tag_files,
)
from exporters.package.meter import human_bytes
from exporters.package.names import fits_filesystem, too_large_message
from exporters.package.photos import photo_placements
from exporters.package.report import ExportReport
from exporters.package.selection import HeldBack, Selection, read_setting, select_for_export
from exporters.package.volume import filesystem_type, free_bytes
from exporters.package.writer import Entry, PackageWriter, is_artefact, walk_files
from exporters.package.zipper import make_zip as zip_package

log = logging.getLogger(__name__)
# Room kept free on the target beyond the package itself (file system bookkeeping).
SPACE_MARGIN = 16 * 1024 * 1024


def _inside(child: Path, parent: Path) -> bool:
    try:
        child.resolve().relative_to(parent.resolve())
        return True
    except ValueError:
        return False


def is_package(root: Path) -> bool:
    """True for a folder an earlier export of CivLedger wrote (finished or not)."""
    if (root / INCOMPLETE_MARKER).exists():
        return True
    info = root / BAG_INFO_TXT
    if (root / BAGIT_TXT).exists() and info.exists():
        agent = parse_bag_info(info.read_text("utf-8", errors="replace")).get(
            "Bag-Software-Agent", "")
        return "CivLedger" in agent
    return False


def _earlier_period(out_dir: Path) -> str:
    """The period of the package an earlier export left in ``out_dir`` ("" if none)."""
    try:
        return parse_bag_info((out_dir / BAG_INFO_TXT).read_text("utf-8")).get("Period", "")
    except (OSError, UnicodeDecodeError):
        return ""


def check_target(lib: Library, out_dir: Path) -> None:
    """Refuse targets where removing "what is gone" could delete someone else's files."""
    if out_dir.exists() and not out_dir.is_dir():
        raise CivLedgerError(f"{out_dir} 是一个文件，请选择一个文件夹作为导出位置。")
    if _inside(out_dir, lib.root) or _inside(lib.root, out_dir):
        raise CivLedgerError(f"不能导出到资料库文件夹 {lib.root} 之内或其上级文件夹，"
                             "请选择U盘或其他文件夹。")
    if out_dir.exists() and not is_package(out_dir):
        foreign = [f for f in walk_files(out_dir) if not is_artefact(f)]
        if foreign:
            raise CivLedgerError(
                f"文件夹 {out_dir} 里已有其他文件（如“{foreign[0]}”），且不是创文台账导出的资料包。"
                "重新导出会删除资料包中不再需要的文件，为避免误删，请选择一个空文件夹或新文件夹。")


def store_paths(lib: Library) -> Callable[[str, str], str]:
    """``lib.store.path_for`` as a string, without a ``Path`` object per file (building 21,000
    of them takes ~0.6 s before the first byte is copied). The string form is used only where
    it gives exactly what ``path_for`` gives for sample names; otherwise ``path_for`` it is."""
    root = os.fspath(lib.store.root)
    sep = os.sep

    def fast(sha256: str, ext: str) -> str:
        # One f-string: a fifth of os.path.join's time, and this runs before the first copy.
        folder = f"{root}{sep}{sha256[:2]}{sep}{sha256[2:4]}{sep}{sha256}"
        return f"{folder}.{ext}" if ext else folder

    def slow(sha256: str, ext: str) -> str:
        return os.fspath(lib.store.path_for(sha256, ext))

    probe = "0123456789abcdef" * 4
    same = all(fast(probe, ext) == slow(probe, ext) for ext in ("pdf", ""))
    return fast if same else slow


def _source_entries(lib: Library, layout: Layout) -> list[Entry]:
    """The document files to copy (a store file gone missing is reported by the writer)."""
    path_of = store_paths(lib)
    return [Entry(p.path, p.doc.size, p.doc.sha256, source=path_of(p.doc.sha256, p.doc.ext),
                  label=p.doc.original_name or p.doc.title)
            for p in layout.placements]


def _expected_placements(session: Session, period_id: int) -> int:
    """Document files a package of the period holds at most (one count, before selecting)."""
    return session.scalar(
        select(func.count()).select_from(DocumentStandard)
        .join(Document, Document.id == DocumentStandard.document_id)
        .where(Document.period_id == period_id, Document.deleted_at.is_(None))) or 0


def _generated_estimate(layout: Layout) -> int:
    """Bytes the generated files will take, roughly (forms, photo sheets, catalogue, index)."""
    photos = sum(len(photo_placements(f)) for f in layout.folders)
    return (40_000 * len(layout.folders) + 250_000 * photos + 1_500 * len(layout.placements)
            + 100_000)


def _check_space(out_dir: Path, entries: list[Entry], generated: int) -> None:
    old = read_manifest(out_dir) or {}
    need = sum(e.size for e in entries if old.get(e.path) != e.sha256) + generated
    free = free_bytes(out_dir)
    if need + SPACE_MARGIN > free:
        raise CivLedgerError(
            f"目标磁盘剩余空间不足：需要约 {human_bytes(need + SPACE_MARGIN)}，"
            f"只剩 {human_bytes(free)}。请换用更大的U盘，或用 --unit/--standard 分批导出。")


class _StopOrCancel(CancelToken):
    """Cancelled when the user cancels, or when the export no longer needs the work."""

    def __init__(self, parent: CancelToken | None) -> None:
        super().__init__()
        self.parent = parent

    @property
    def cancelled(self) -> bool:
        return super().cancelled or (self.parent is not None and self.parent.cancelled)

    def raise_if_cancelled(self) -> None:
        if self.cancelled:
            raise Cancelled()


def _hold_back_too_large(sel: Selection, fs: str | None) -> list[HeldBack]:
    held: list[HeldBack] = []
    keep = []
    for d in sel.documents:
        if fits_filesystem(d.size, fs):
            keep.append(d)
        else:
            held.append(HeldBack(d.id, d.title, d.source_path, "too_large",
                                 too_large_message(d.original_name or d.title, d.size)))
    sel.documents = keep
    return held


def _write_package(writer: PackageWriter, sel: Selection, report: ExportReport) -> None:
    """Run the writer and, when every file verified, write the manifest; fills ``report``."""
    out_dir = writer.root
    try:
        result = writer.run()
    except Cancelled:
        report.cancelled = True
        report.error = (f"导出已取消。{out_dir} 中的资料包不完整（有“{INCOMPLETE_MARKER}”，"
                        "没有清单），请勿使用；再次导出到同一文件夹会补全。")
        return
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            report.error = (f"U盘或目标磁盘空间已满，导出未完成。{out_dir} 中的资料包不完整，"
                            "请腾出空间或换用更大的U盘后重新导出。")
        else:
            name = exc.filename or ""
            report.error = f"写入 {name or out_dir} 时出错：{exc.strerror or exc}。资料包不完整。"
        return
    report.written = result.written
    report.moved = result.moved
    report.unchanged = result.unchanged
    report.removed = result.removed
    report.problems += result.problems
    report.verified = result.verified and not report.problems
    report.files = len(writer.entries)
    report.bytes = sum(e.size for e in writer.entries)
    if report.problems:
        writer.fail(f"{len(report.problems)} 个问题，见导出报告")
        return
    info = BagInfo(
        organisation=sel.organisation, period=sel.period, period_start=sel.period_start,
        period_end=sel.period_end, exported=dt.datetime.now().replace(microsecond=0),
        documents=report.documents, files=report.files, bytes=report.bytes,
        held_back=len(report.held_back), unit=sel.unit or "", standard=sel.standard or "",
        framework=sel.framework)
    try:
        started = time.monotonic()
        writer.finish(tag_files(info, {e.path: e.sha256 for e in writer.entries}))
        log.debug("manifest written (%.2f s)", time.monotonic() - started)
    except OSError as exc:
        report.verified = False
        report.error = f"写入清单文件时出错：{exc.strerror or exc}。资料包不完整。"
        with contextlib.suppress(OSError):
            writer.fail(report.error)


# The selection and layout are a few hundred thousand fresh objects (rows, names, paths)
# with hardly a cycle among them, kept until the export ends: each collection of the oldest
# generation walks them all and finds nothing (~0.2 CPU-s before the first byte is copied,
# more while they are pickled for the generating process). Reference counting still frees
# everything; collections resume when the export returns.
@paused_gc()
def export_package(
    lib: Library,
    period: str,
    out_dir: Path | str,
    unit: str | None = None,
    standard: str | None = None,
    make_zip: bool = False,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    *,
    verify_device: bool = False,
    filesystem: str | None = None,
    today: dt.date | None = None,
) -> ExportReport:
    """Export ``period`` (optionally one unit's documents, or one indicator's subtree) to
    ``out_dir`` as an assessment package; see the package docstring for the layout.

    Every file is read back and compared with the library's SHA-256 before the manifest is
    written; ``verify_device`` makes that read-back come from the stick itself rather than the
    system cache (about twice the time; it finds failing and fake-capacity sticks).
    ``filesystem`` overrides the detected file system of the target ("vfat" = FAT32), ``today``
    the export date (both for tests).
    """
    started = time.monotonic()
    out_dir = Path(out_dir)
    check_target(lib, out_dir)
    with lib.read_session() as s:
        # A wrong period fails here, before any thread or process starts.
        expected = _expected_placements(s, get_period(s, str(period)).id)
    notes: list[str] = []
    stop = _StopOrCancel(cancel)  # ends the generating thread when the export ends early
    generation: Generation | None = None
    try:
        # Started before selecting: a child process (large packages) starts up and runs the
        # completeness check meanwhile.
        generation = start_generation(lib, str(period), unit, expected, notes, stop)
        sel = select_for_export(lib, str(period), unit, standard)
        log.debug("selected %d documents (%.2f s)", len(sel.documents),
                  time.monotonic() - started)
        if not sel.standards:
            raise CivLedgerError(f"年度 {sel.period} 没有可导出的测评标准：请先导入测评体系。")
        fs = filesystem if filesystem is not None else filesystem_type(out_dir)
        report = ExportReport(out_dir, sel.period, held_back=list(sel.held_back),
                              released=list(sel.released), filesystem=fs, notes=notes,
                              verified_from="device" if verify_device else "cache")
        report.held_back += _hold_back_too_large(sel, fs)
        layout = plan_layout(sel, fonds=str(read_setting(lib, "fonds_code", "") or ""))
        report.renamed = [{"document_id": p.doc.id, "title": p.doc.title, "path": p.path,
                           "reasons": p.renamed} for p in layout.placements if p.renamed]
        report.standards = len(layout.folders)
        report.placements = len(layout.placements)
        report.documents = len({p.doc.id for p in layout.placements})
        day = today or dt.date.today()
        earlier = _earlier_period(out_dir)
        if earlier and earlier != sel.period:
            notes.append(f"{out_dir} 原来是 {earlier} 年度的资料包，已替换为 {sel.period} 年度。")
        entries = _source_entries(lib, layout)
        _check_space(out_dir, entries, _generated_estimate(layout))
        log.debug("laid out %d files (%.2f s)", len(entries), time.monotonic() - started)
        # Forms, photo sheets, catalogue and index are generated while the document files are
        # copied; the writer takes them when the documents are done.
        generation.provide(sel, layout, day)
        work = generation
        writer = PackageWriter(out_dir, entries, progress, cancel,
                               late=lambda timeout: work.result() if work.ready(timeout) else None,
                               verify_device=verify_device)
        _write_package(writer, sel, report)
    finally:
        stop.cancel()
        if generation is not None:
            generation.close()
    if make_zip and report.ok:
        try:
            report.zip_path = str(zip_package(out_dir, fs, progress, cancel))
        except Cancelled:
            report.notes.append("已取消生成压缩包；资料包文件夹本身已完整导出。")
        except (CivLedgerError, OSError) as exc:
            report.problems.append({"kind": "zip_failed", "path": out_dir.name + ".zip",
                                    "message": str(exc)})
    report.seconds = time.monotonic() - started
    log.debug("export done (%.2f s)", report.seconds)
    return report



def estimate(lib: Library, period: str, unit: str | None = None,
             standard: str | None = None) -> tuple[int, int]:
    """(files, bytes) a package will hold, for the wizard's free-space check before exporting.

    Document files are counted exactly; the generated Word, Excel and index files are estimated.
    """
    sel = select_for_export(lib, str(period), unit, standard)
    layout = plan_layout(sel)
    sheets = sum(1 for f in layout.folders if photo_placements(f))
    files = len(layout.placements) + len(layout.folders) + sheets + 5
    return files, sum(p.doc.size for p in layout.placements) + _generated_estimate(layout)

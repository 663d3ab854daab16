"""Writing a package folder: copy what changed, read every file back, and only then the manifest.

The order is what makes a package trustworthy on a stick:

1. ``导出未完成.txt`` is written first and the old manifest removed, so an interrupted export
   (cancel, full stick, pulled stick, power cut) is visibly incomplete.
2. Each planned file is kept when the folder already holds it (same size, and the earlier
   manifest — or, after an interrupted export, a fresh hash — gives the same SHA-256), moved when
   an earlier export holds the same content under another name (a renumbered or retitled
   document), else copied.
3. A second thread reads every file back and hashes it against the library's SHA-256 while the
   next ones are copied (below normal priority: the copy is the critical path, see
   ``priority``). A mismatch is rewritten once, then reported. With ``verify_device`` the
   written files are first flushed and dropped from the system cache, so the bytes compared are
   the stick's own (``_verify_batch``).
4. Files of an earlier export that are no longer planned are removed (an export into an empty
   folder has none), and everything is flushed to the device — on Linux mostly while copying
   (``volume.BackgroundFlush``), so that the last flush has little left to do.
5. Only when all of that succeeded are the tag files written and the marker removed
   (``finish``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import logging
import os
import queue
import sys
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive.errors import Cancelled
from archive.priority import lower_this_thread
from archive.progress import CancelToken, ProgressCallback, no_progress
from exporters.package.manifest import (
    BAG_INFO_TXT,
    BAGIT_TXT,
    INCOMPLETE_MARKER,
    MANIFEST_TXT,
    TAG_FILES,
    TAGMANIFEST_TXT,
    read_manifest,
)
from exporters.package.meter import ByteMeter
from exporters.package.volume import BackgroundFlush, drop_cache, flush_files, settle

log = logging.getLogger(__name__)
CHUNK = 1024 * 1024
# Files up to this size are copied in one call (sendfile on Linux); larger ones in chunks so that
# cancel and progress act within a file.
WHOLE_COPY_LIMIT = 32 * 1024 * 1024
STAGING_DIR = ".civledger-staging"
# Files are read back in batches: one flush to the device for the batch, then each file.
BATCH_FILES = 256
BATCH_BYTES = 64 * 1024 * 1024
# The copy loop hands written files to the reading thread in groups of this many (or bytes);
# at most HANDOFF_QUEUE groups wait, so the read-back stays close behind the copy.
HANDOFF_FILES = 32
HANDOFF_BYTES = 8 * 1024 * 1024
HANDOFF_QUEUE = 16
# Read-back buffer: large enough that a file takes few system calls and hash updates.
READ_CHUNK = 1024 * 1024
# While copying, written data is pushed to the device each time this much more was written
# (``volume.BackgroundFlush``); 0 leaves it all to the flush before the manifest.
FLUSH_EVERY = 512 * 1024 * 1024
# Files an operating system or an office program leaves in a folder someone opened: never ours,
# never removed, not reported as tampering.
OS_ARTEFACTS = frozenset({"thumbs.db", "desktop.ini", ".ds_store", "ehthumbs.db"})
OS_DIRS = frozenset({"system volume information", "$recycle.bin", ".trashes", ".fseventsd",
                     ".spotlight-v100"})


def path_key(path: str) -> str:
    """How Windows tells two names apart: case-insensitively, after Unicode normalisation."""
    return unicodedata.normalize("NFC", path).casefold()


def is_artefact(rel: str) -> bool:
    parts = rel.split("/")
    name = parts[-1]
    return (name.casefold() in OS_ARTEFACTS or name.startswith("~$")
            or any(p.casefold() in OS_DIRS for p in parts[:-1]))


@dataclass
class Entry:
    """One file of the package: copied from ``source`` or written from ``data``."""

    path: str
    size: int
    sha256: str
    source: str | Path | None = None
    data: bytes | None = None
    label: str = ""

    @classmethod
    def generated(cls, path: str, data: bytes) -> Entry:
        return cls(path, len(data), hashlib.sha256(data).hexdigest(), data=data,
                   label=path.rsplit("/", 1)[-1])


@dataclass
class WriteResult:
    written: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    verified: bool = False


def walk_files(root: Path) -> Iterator[str]:
    """Every file under ``root`` as a "/"-separated relative path."""
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        dirnames.sort()
        for name in sorted(filenames):
            rel = name if rel_dir == "." else f"{rel_dir}/{name}"
            yield rel.replace(os.sep, "/")


def hash_path(path: Path | str, buf: bytearray | None = None, written: bool = False,
              settle_first: bool = True) -> str:
    """SHA-256 of a file as the device holds it (see ``volume.settle``)."""
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0)
    if written and sys.platform == "win32":
        flags = os.O_RDWR | getattr(os, "O_BINARY", 0)  # FlushFileBuffers needs write access
    fd = os.open(path, flags)
    try:
        if settle_first:
            (settle if written else drop_cache)(fd)
        digest = hashlib.sha256()
        buf = buf if buf is not None else bytearray(CHUNK)
        view = memoryview(buf)
        if _READV:
            # Straight into the buffer on the bare descriptor: no file object per file
            # (~5 % of the read-back's CPU at 21,000 files; the rest is SHA-256 itself).
            # mmap was measured too: slower, its page faults cost more than the copy it saves.
            bufs = (buf,)
            while n := os.readv(fd, bufs):
                digest.update(view[:n])
        else:  # Windows has no readv
            with open(fd, "rb", buffering=0, closefd=False) as fh:
                while n := fh.readinto(buf):
                    digest.update(view[:n])
        return digest.hexdigest()
    finally:
        os.close(fd)


_READV = hasattr(os, "readv")
_BINARY = getattr(os, "O_BINARY", 0)
_SENDFILE = hasattr(os, "sendfile") and sys.platform.startswith("linux")


def copy_file(src: Path | str, dst: Path | str, size: int) -> None:
    """Copy content only (no metadata), in the kernel where it can (sendfile): the lean part of
    ``shutil.copyfile`` without its checks, which cost five ``stat`` calls a file, and on bare
    descriptors rather than Python file objects (per-file cost matters at 20,000 files)."""
    fin = os.open(src, os.O_RDONLY | _BINARY)
    try:
        fout = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _BINARY, 0o666)
        try:
            if _SENDFILE:
                offset = 0
                try:
                    while sent := os.sendfile(fout, fin, offset, max(size - offset, CHUNK)):
                        offset += sent
                    return
                except OSError as exc:
                    if exc.errno not in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP) or offset:
                        raise
            while chunk := os.read(fin, CHUNK):
                view = memoryview(chunk)
                while view:
                    view = view[os.write(fout, view):]
        finally:
            os.close(fout)
    finally:
        os.close(fin)


def write_marker(root: Path, state: str, detail: str = "") -> None:
    started = dt.datetime.now().isoformat(timespec="seconds")
    text = (
        "本资料包尚未导出完成，内容不完整，请勿交给测评人员使用。\r\n"
        "请在创文台账中向同一文件夹重新导出：已经复制好的文件不会重复复制。\r\n"
        f"状态：{state}\r\n时间：{started}\r\n"
    )
    if detail:
        text += f"原因：{detail}\r\n"
    (root / INCOMPLETE_MARKER).write_text(text, "utf-8")


class PackageWriter:
    """Brings the folder ``root`` to exactly ``entries``; see the module docstring.

    ``late`` delivers more entries (the generated forms, catalogue and index) once the document
    files are written, so that generating them overlaps with copying: called with a timeout in
    seconds, it returns the entries, or None while they are not ready.
    """

    def __init__(self, root: Path, entries: list[Entry], progress: ProgressCallback = no_progress,
                 cancel: CancelToken | None = None,
                 late: Callable[[float], list[Entry] | None] | None = None,
                 verify_device: bool = False) -> None:
        self.root = root
        self.entries = list(entries)
        self.progress = progress
        self.cancel = cancel
        self.late = late
        self.verify_device = verify_device
        self.result = WriteResult()
        self._dirs: set[str] = set()
        self._copied = 0
        self._verified = 0
        self._meter: ByteMeter | None = None
        self._current: str | None = None  # the file being written, removed if interrupted
        self._old: dict[str, str] = {}
        self._root = str(root)
        self._listings: dict[str, dict[str, int]] = {}
        self._fresh = False  # the folder was empty when the run started

    # -- the run ---------------------------------------------------------------------------
    def run(self) -> WriteResult:
        self.root.mkdir(parents=True, exist_ok=True)
        with os.scandir(self.root) as listing:
            # Into an empty folder everything is written anew and nothing can be left over:
            # no listing of folders to find what is there, no walk to find what to remove.
            fresh = next(listing, None) is None
        self._fresh = fresh
        self._old = read_manifest(self.root) or {}
        write_marker(self.root, "正在导出")
        for name in (MANIFEST_TXT, TAGMANIFEST_TXT, BAG_INFO_TXT, BAGIT_TXT):
            (self.root / name).unlink(missing_ok=True)

        started = time.monotonic()
        keep, check, write = self._classify(self.entries)
        moves = self._stage_moves(write)
        log.debug("planned: keep %d, check %d, write %d, move %d (%.2f s)", len(keep), len(check),
                  len(write), len(moves), time.monotonic() - started)
        self._meter = ByteMeter(self.progress, 0)
        self._add_to_total(keep, check, write)
        try:
            failed = self._pipeline(keep, check, write, moves)
            log.debug("copied and read back (%.2f s)", time.monotonic() - started)
            for entry in failed:
                self._repair(entry)
            if not fresh:
                self._remove_unplanned()
            if not self.verify_device:
                self._report("正在写入U盘缓存")
                flush_files(self.root, [os.path.join(self._root, e.path) for e in self.entries])
            log.debug("cleaned up and flushed (%.2f s)", time.monotonic() - started)
        except BaseException as exc:
            self._abort(exc)
            raise
        self.result.verified = not self.result.problems
        self._meter.done = self._meter.total
        self._meter.report("已核对全部文件", force=True)
        return self.result

    def _add_to_total(self, keep: list[Entry], check: list[Entry], write: list[Entry]) -> None:
        """Bytes to copy (or compare) plus bytes to read back."""
        assert self._meter is not None
        self._meter.total += (sum(e.size for e in check) + 2 * sum(e.size for e in write)
                              + sum(e.size for e in keep))

    def _check_cancel(self) -> None:
        if self.cancel is not None:
            self.cancel.raise_if_cancelled()

    def _report(self, action: str) -> None:
        assert self._meter is not None
        self._meter.done = self._copied + self._verified
        self._meter.report(action)

    def _classify(self, entries: list[Entry]) -> tuple[list[Entry], list[Entry], list[Entry]]:
        keep: list[Entry] = []
        check: list[Entry] = []
        write: list[Entry] = []
        for e in entries:
            size = self._existing_size(e.path)
            if size is None or size != e.size:
                write.append(e)
            elif self._old.get(e.path) == e.sha256:
                keep.append(e)
            elif e.path in self._old:
                write.append(e)  # same size, other content: changed
            else:
                check.append(e)  # left by an interrupted export: hash decides
        return keep, check, write

    def _existing_size(self, rel: str) -> int | None:
        """Size of the file at ``rel`` if there is one, from one listing per folder (a fresh
        export then costs no system call per file)."""
        if self._fresh:
            return None
        folder, _, name = rel.rpartition("/")
        listing = self._listings.get(folder)
        if listing is None:
            listing = {}
            with contextlib.suppress(OSError), os.scandir(os.path.join(self._root, folder)) as it:
                for item in it:
                    if item.is_file(follow_symlinks=False):
                        listing[item.name] = item.stat(follow_symlinks=False).st_size
            self._listings[folder] = listing
        return listing.get(name)

    def _stage_moves(self, write: list[Entry]) -> dict[str, Path]:
        """Move content an earlier export holds under a name no longer planned for it out of
        the way, to be renamed into its new place instead of copied again."""
        if not self._old:
            return {}
        planned = {path_key(e.path): e.sha256 for e in self.entries}
        wanted = {e.sha256: e.size for e in write}
        spare: dict[str, str] = {}
        for path, sha in self._old.items():
            if sha in wanted and sha not in spare and planned.get(path_key(path)) != sha:
                spare[sha] = path
        moves: dict[str, Path] = {}
        staging = self.root / STAGING_DIR
        for n, (sha, path) in enumerate(sorted(spare.items())):
            src = self.root / path
            try:
                if src.stat().st_size != wanted[sha]:
                    continue
                staging.mkdir(exist_ok=True)
                dest = staging / f"{n:06d}"
                os.replace(src, dest)
            except OSError:
                continue
            moves[sha] = dest
        return moves

    def _ensure_dir(self, target: str) -> None:
        parent = os.path.dirname(target)
        if parent not in self._dirs:
            os.makedirs(parent, exist_ok=True)
            self._dirs.add(parent)

    def _write(self, e: Entry, moves: dict[str, Path]) -> bool:
        """Put ``e`` in place; False when its source is missing from the library (reported)."""
        target = os.path.join(self._root, e.path)
        self._ensure_dir(target)
        staged = moves.pop(e.sha256, None)
        if staged is not None:
            os.replace(staged, target)
            self.result.moved.append(e.path)
            self._copied += e.size
            return True
        self._current = target
        if e.data is not None:
            with open(target, "wb") as fh:
                fh.write(e.data)
            self._copied += e.size
        else:
            assert e.source is not None
            try:
                self._copy(e.source, target, e.size)
            except FileNotFoundError as exc:
                if exc.filename is None or os.fspath(exc.filename) != os.fspath(e.source):
                    raise
                self._current = None
                name = os.path.basename(e.source)
                self.result.problems.append({
                    "kind": "source_missing", "path": e.path,
                    "message": f"资料库中缺少“{e.label}”的文件（{name}），无法导出到"
                               f"“{e.path}”。请运行 verify 检查资料库，或重新导入该文件。"})
                return False
        self._current = None
        self.result.written.append(e.path)
        return True

    def _copy(self, src: str | Path, dst: str, size: int) -> None:
        if size <= WHOLE_COPY_LIMIT:
            copy_file(src, dst, size)
            self._copied += size
            return
        with open(src, "rb") as fin, open(dst, "wb") as fout:
            while chunk := fin.read(CHUNK * 8):
                self._check_cancel()
                fout.write(chunk)
                self._copied += len(chunk)
                self._report(f"正在复制 {os.path.basename(dst)}")

    def _verify_batch(self, batch: list[tuple[Entry, bool]], buf: bytearray,
                      failed: list[Entry], stop: threading.Event) -> None:
        """Read a batch back and compare each file's SHA-256.

        With ``verify_device`` the batch's written files are first flushed to the device together
        (one file-system sync instead of one per file) and every file is dropped from the cache,
        so the bytes compared are the stick's own: slower (everything is read from the device
        again) but it catches a failing or fake-capacity stick. Otherwise the read-back may be
        served from the system cache: it proves what was written is what the library holds, and
        the data is flushed to the device once, before the manifest is written.
        """
        if self.verify_device:
            written = [self.root / e.path for e, was_written in batch if was_written]
            if written:
                flush_files(self.root, written)
        for entry, _was_written in batch:
            if stop.is_set():
                return
            try:
                actual = hash_path(os.path.join(self._root, entry.path), buf,
                                   settle_first=self.verify_device)
            except FileNotFoundError:
                actual = ""
            if actual != entry.sha256:
                failed.append(entry)
            self._verified += entry.size

    def _pipeline(self, keep: list[Entry], check: list[Entry], write: list[Entry],
                  moves: dict[str, Path]) -> list[Entry]:
        """Copy on this thread, read back on another; returns entries whose read-back failed.

        Files go to the reading thread in small groups (``HANDOFF_FILES``) rather than one by
        one: each hand-over wakes that thread, and 20,000 wake-ups cost the copy loop more than
        the copying of many small files does.
        """
        jobs: queue.Queue[list[tuple[Entry, bool]] | None] = queue.Queue(maxsize=HANDOFF_QUEUE)
        failed: list[Entry] = []
        errors: list[BaseException] = []
        stop = threading.Event()

        def verifier() -> None:
            lower_this_thread()  # the copy loop is the critical path; see archive/priority.py
            buf = bytearray(READ_CHUNK)
            batch: list[tuple[Entry, bool]] = []
            size = 0
            try:
                while not stop.is_set():
                    group = jobs.get()
                    if group is not None:
                        batch += group
                        size += sum(e.size for e, _ in group)
                    # Reading from the cache, each group is read back at once, close behind
                    # the copy; from the device, in batches that share one flush.
                    if batch and (group is None or not self.verify_device
                                  or len(batch) >= BATCH_FILES or size >= BATCH_BYTES):
                        self._verify_batch(batch, buf, failed, stop)
                        batch, size = [], 0
                    if group is None:
                        log.debug("read back (thread CPU %.2f s)", time.thread_time())
                        return
            except OSError as exc:
                errors.append(exc)
                stop.set()

        thread = threading.Thread(target=verifier, name="package-verify", daemon=True)
        thread.start()

        def put(group: list[tuple[Entry, bool]] | None) -> None:
            while True:
                if errors:
                    raise errors[0]
                try:
                    jobs.put(group, timeout=0.2)
                    return
                except queue.Full:
                    self._check_cancel()
                    self._report("正在读回核对")

        pending: list[tuple[Entry, bool]] = []
        pending_bytes = 0

        def hand_over(e: Entry, written: bool) -> None:
            nonlocal pending, pending_bytes
            pending.append((e, written))
            pending_bytes += e.size
            if len(pending) >= HANDOFF_FILES or pending_bytes >= HANDOFF_BYTES:
                put(pending)
                pending, pending_bytes = [], 0

        def process(keep: list[Entry], check: list[Entry], write: list[Entry]) -> None:
            nonlocal pending, pending_bytes
            for e in keep:
                hand_over(e, False)
                self.result.unchanged += 1
            buf = bytearray(READ_CHUNK)
            for e in check:
                self._check_cancel()
                try:
                    same = hash_path(self.root / e.path, buf) == e.sha256
                except OSError:
                    same = False
                self._copied += e.size
                if same:
                    self._verified += e.size
                    self.result.unchanged += 1
                else:
                    assert self._meter is not None
                    self._meter.total += e.size
                    write.append(e)
                self._report("正在比对已有文件")
            meter = self._meter
            assert meter is not None
            for e in write:
                self._check_cancel()
                if self._write(e, moves):
                    hand_over(e, True)
                if meter.due():  # the file's name only when it is shown
                    self._report(f"正在复制 {e.label or e.path.rsplit('/', 1)[-1]}")
            if pending:
                put(pending)
                pending, pending_bytes = [], 0

        flushing = BackgroundFlush(self.root, lambda: self._copied,
                                   0 if self.verify_device else FLUSH_EVERY)
        cpu = time.thread_time()
        try:
            with flushing:
                process(keep, check, write)
                log.debug("document files copied (%.2f s after start, thread CPU %.2f s)",
                          time.monotonic() - self._meter.started if self._meter else 0.0,
                          time.thread_time() - cpu)
                if self.late is not None:
                    while (extra := self.late(0.2)) is None:
                        self._check_cancel()
                        self._report("正在生成目录、提交表和照片资料")
                    self.entries += extra
                    more = self._classify(extra)
                    self._add_to_total(*more)
                    process(*more)
            put(None)
            while thread.is_alive():
                thread.join(timeout=0.2)
                self._check_cancel()
                self._report("正在读回核对")
            if errors:
                raise errors[0]
        finally:
            if thread.is_alive():
                stop.set()
                with contextlib.suppress(queue.Full):
                    jobs.put_nowait(None)
                thread.join(timeout=30)
        return failed

    def _repair(self, e: Entry) -> None:
        """Rewrite a file whose read-back differed; report it if it differs again."""
        self._check_cancel()
        if e.path in self.result.written:
            self.result.written.remove(e.path)
        elif e.path in self.result.moved:
            self.result.moved.remove(e.path)
        else:
            self.result.unchanged -= 1
        if not self._write(e, {}):
            return  # the library lost the source meanwhile: reported by _write
        try:
            actual = hash_path(self.root / e.path, written=True)
        except OSError:
            actual = ""
        if actual != e.sha256:
            source = str(e.source) if e.source is not None else "（生成的文件）"
            self.result.problems.append({
                "kind": "write_failed", "path": e.path,
                "message": f"文件“{e.path}”写入后读回的内容与原文件不一致（来源：{source}）。"
                           "U盘可能已损坏或是虚标容量的U盘；资料库中的原文件也可能已损坏，"
                           "可运行 verify 检查资料库。",
            })

    def _remove_unplanned(self) -> None:
        planned = {path_key(e.path): e.path for e in self.entries}
        exact = {e.path for e in self.entries}
        keep = {path_key(n) for n in (*TAG_FILES, INCOMPLETE_MARKER)}
        for rel in list(walk_files(self.root)):
            if rel in exact or path_key(rel) in keep or is_artefact(rel):
                continue
            path = self.root / rel
            twin = planned.get(path_key(rel))
            if twin is not None:
                with contextlib.suppress(OSError):
                    if os.path.samefile(path, self.root / twin):
                        continue  # a case-insensitive file system: it is the planned file
            try:
                path.unlink()
            except OSError as exc:
                self.result.problems.append({
                    "kind": "unexpected", "path": rel,
                    "message": f"无法删除上次导出留下的文件“{rel}”：{exc.strerror or exc}"})
                continue
            if not rel.startswith(STAGING_DIR + "/"):
                self.result.removed.append(rel)
        self._remove_empty_dirs()

    def _remove_empty_dirs(self) -> None:
        for dirpath, _dirnames, _filenames in sorted(os.walk(self.root), key=lambda t: -len(t[0])):
            path = Path(dirpath)
            if path == self.root:
                continue
            rel = os.path.relpath(path, self.root).replace(os.sep, "/")
            if is_artefact(rel + "/x"):
                continue
            with contextlib.suppress(OSError):
                path.rmdir()  # only succeeds when empty

    def _abort(self, exc: BaseException) -> None:
        """Leave the folder visibly incomplete: marker with the reason, no half-written file."""
        if self._current is not None:
            with contextlib.suppress(OSError):
                os.unlink(self._current)
        if isinstance(exc, Cancelled | KeyboardInterrupt):
            state, detail = "已取消", "导出在完成前被取消"
        elif isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
            state, detail = "出错", "U盘或目标磁盘空间不足"
        else:
            state, detail = "出错", str(exc)
        with contextlib.suppress(OSError):
            write_marker(self.root, state, detail)

    # -- completion ------------------------------------------------------------------------
    def fail(self, detail: str) -> None:
        """Mark the package as failed (problems found after copying)."""
        write_marker(self.root, "未通过核对", detail)

    def finish(self, tag_files: dict[str, bytes]) -> None:
        """Write the tag files, read them back, and only then remove the incomplete marker."""
        for name, data in tag_files.items():
            path = self.root / name
            with open(path, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        for name, data in tag_files.items():
            if (self.root / name).read_bytes() != data:
                raise OSError(errno.EIO, f"清单文件 {name} 写入后读回不一致")
        (self.root / INCOMPLETE_MARKER).unlink(missing_ok=True)
        if hasattr(os, "O_DIRECTORY"):
            fd = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

"""Content-addressed file store: ``files/ab/cd/<sha256>.<ext>``.

Content is written to a temporary name inside the store, flushed to disk, and only then renamed to
its final name; the database row that points at it is committed after that. A crash leaves at most
an orphan (reported by fixity, reused by the next import), never a row without its file.

Filing thousands of small files is bounded by per-file work, so the staging path uses plain
``os`` calls on string paths (no ``Path`` objects, no buffered file objects) and makes content
durable a batch at a time: ``syncfs`` on the store's file system where Linux has it (it flushes
that file system only, not every disk of the machine), ``os.sync`` on other POSIX systems, and an
``fsync`` (FlushFileBuffers) of each file while its handle is still open on Windows.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import itertools
import os
import shutil
import sys
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK = 1024 * 1024
# Small files are read whole: one read, one hash, one write is the fastest path for the 50 KB
# documents a ledger is mostly made of.
WHOLE_READ_LIMIT = 8 * 1024 * 1024

_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation
_READ_FLAGS = os.O_RDONLY | _BINARY
_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY


@dataclass(frozen=True, slots=True)
class StagedFile:
    """Content written to a temporary name, hashed, not yet in the store."""

    tmp_path: str
    sha256: str
    size: int
    ext: str


def normalise_ext(name: str) -> str:
    """The extension as stored: lower case, without the dot, at most 20 characters.

    Same rule as ``Path(name).suffix`` (no suffix for ".bashrc" or "name."), without building a
    path object per file.
    """
    name = name.rsplit("/", 1)[-1].rsplit(os.sep, 1)[-1]
    dot = name.rfind(".")
    if dot <= 0 or dot == len(name) - 1:
        return ""
    suffix = name[dot + 1 :].lower()
    return suffix if suffix.isascii() and len(suffix) <= 20 else ""


def _load_syncfs() -> Callable[[int], int] | None:
    """Linux's ``syncfs(fd)`` through libc (Python's ``os`` does not offer it)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        fn = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int]
    fn.restype = ctypes.c_int
    return fn  # type: ignore[no-any-return]


_SYNCFS = _load_syncfs()


def sync_filesystem(where: str | Path) -> None:
    """Make everything written to the file system holding ``where`` durable.

    ``syncfs`` on Linux (only that file system: another program's writes elsewhere are not our
    cost), else ``os.sync``. Not available on Windows, where staging fsyncs each file instead.
    """
    if _SYNCFS is not None:
        fd = os.open(where, os.O_RDONLY)
        try:
            if _SYNCFS(fd) != 0:
                err = ctypes.get_errno()
                raise OSError(err, os.strerror(err), str(where))
        finally:
            os.close(fd)
    elif hasattr(os, "sync"):
        os.sync()


# Whether a batch sync covers the files; otherwise each one is fsynced as it is written.
SYNC_PER_BATCH = _SYNCFS is not None or hasattr(os, "sync")


def _write_all(fd: int, data: bytes | memoryview) -> None:
    written = os.write(fd, data)
    if written < len(data):  # rare: a short write (signals, some network file systems)
        view = memoryview(data)[written:]
        while view:
            view = view[os.write(fd, view) :]


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.tmp_dir = root / ".tmp"
        self._root = str(root)
        # Each staging thread writes into a folder of its own under .tmp (creating files in one
        # folder from several threads makes them queue for its lock), named unique per store
        # object (another process may stage into the same store); files in it are numbered,
        # which is cheaper than a random name per file.
        self._tmp_prefix = f"{self.tmp_dir}{os.sep}{uuid.uuid4().hex[:12]}-"
        self._local = threading.local()
        self._staging_dirs: set[str] = set()
        self._counter = itertools.count()
        self._made_dirs: set[str] = set()
        self._syncing = False  # a sync of ours is writing the store's blocks (see commit)
        self.fsync_each = not SYNC_PER_BATCH

    def ensure(self) -> None:
        self.tmp_dir.mkdir(parents=True, exist_ok=True)

    def path_for(self, sha256: str, ext: str) -> Path:
        return Path(self._target(sha256, ext))

    def _target(self, sha256: str, ext: str) -> str:
        sep = os.sep
        name = f"{sha256}.{ext}" if ext else sha256
        return f"{self._root}{sep}{sha256[:2]}{sep}{sha256[2:4]}{sep}{name}"

    def exists(self, sha256: str, ext: str) -> bool:
        return os.path.exists(self._target(sha256, ext))

    def _prepare_unless_syncing(self, sha256: str) -> None:
        """Create the fan-out folder of a staged file now, unless a sync of ours is running.

        Making a folder looks its name up in the first-level folder, and that lookup waits
        while the block holding the first-level folder is being written, which a sync does
        most of the time it runs (every new fan-out folder changes such a block). Filing
        10,000 files, each stager waited so about 0.23 s (~95 waits of ~2.4 ms). A folder
        not made here is made by ``commit`` between its syncs; making all of them there
        lengthened the commit chain more than it saved (0.3–0.5 s more per 10,000 files).
        With this split the stagers were blocked 0.22–0.35 s instead of 0.33–0.70 s each
        (schedstat, three alternating runs on a loaded machine).
        """
        if not self._syncing:
            self.prepare_dir(sha256)

    def prepare_dir(self, sha256: str) -> None:
        """Create the fan-out folder of a file with this hash, unless it was made before."""
        folder = f"{self._root}{os.sep}{sha256[:2]}{os.sep}{sha256[2:4]}"
        if folder in self._made_dirs:
            return
        try:
            os.mkdir(folder)
        except FileExistsError:
            pass
        except FileNotFoundError:
            os.makedirs(folder, exist_ok=True)
        self._made_dirs.add(folder)

    def _create_tmp(self) -> tuple[str, int]:
        """A new temporary file in this thread's staging folder: (path, open descriptor)."""
        folder = getattr(self._local, "folder", None)
        for _attempt in range(2):
            if folder is None:
                folder = f"{self._tmp_prefix}{next(self._counter)}"
                os.makedirs(folder, exist_ok=True)
                self._local.folder = folder
                self._staging_dirs.add(folder)
            tmp = f"{folder}{os.sep}{next(self._counter)}.part"
            try:
                return tmp, os.open(tmp, _CREATE_FLAGS, 0o666)
            except FileNotFoundError:  # the folder was cleaned up after an earlier import
                folder = None
        raise FileNotFoundError(errno.ENOENT, "staging folder vanished", tmp)

    def end_staging(self) -> None:
        """Remove the staging folders once their files are renamed or discarded (a folder
        still holding files belongs to an import that is still running)."""
        for folder in list(self._staging_dirs):
            try:
                os.rmdir(folder)
            except OSError:
                continue
            self._staging_dirs.discard(folder)

    def stage_file(self, path: str, ext: str) -> StagedFile:
        """Copy the file at ``path`` to a temporary name in the store, hashing it."""
        fd = os.open(path, _READ_FLAGS)
        try:
            size = os.fstat(fd).st_size
            if size > WHOLE_READ_LIMIT:
                with os.fdopen(os.dup(fd), "rb") as stream:
                    return self.stage_stream(stream, ext)
            data = os.read(fd, size + 1)
            if len(data) != size:  # grew, shrank, or a short read: read on to the end
                parts = [data]
                while part := os.read(fd, CHUNK):
                    parts.append(part)
                data = b"".join(parts)
        finally:
            os.close(fd)
        return self.stage_bytes(data, ext)

    def stage_stream(self, stream: BinaryIO, ext: str) -> StagedFile:
        """Copy ``stream`` to a temporary file in the store while hashing it."""
        digest = hashlib.sha256()
        size = 0
        tmp, fd = self._create_tmp()
        try:
            try:
                while chunk := stream.read(CHUNK):
                    digest.update(chunk)
                    _write_all(fd, chunk)
                    size += len(chunk)
                if self.fsync_each:
                    os.fsync(fd)
            finally:
                os.close(fd)
        except BaseException:
            _unlink(tmp)
            raise
        sha = digest.hexdigest()
        self._prepare_unless_syncing(sha)
        return StagedFile(tmp, sha, size, ext)

    def stage_bytes(self, data: bytes, ext: str) -> StagedFile:
        sha = hashlib.sha256(data).hexdigest()  # releases the GIL: the other stager runs
        tmp, fd = self._create_tmp()
        try:
            try:
                _write_all(fd, data)
                if self.fsync_each:
                    os.fsync(fd)
            finally:
                os.close(fd)
        except BaseException:
            _unlink(tmp)
            raise
        self._prepare_unless_syncing(sha)
        return StagedFile(tmp, sha, len(data), ext)

    def sync(self) -> None:
        """Make what was written to the store durable (see ``sync_filesystem``)."""
        if not self.fsync_each:
            self._syncing = True
            try:
                sync_filesystem(self._root)
            finally:
                self._syncing = False

    def commit(self, staged: list[StagedFile]) -> list[str]:
        """Flush staged files to disk and rename them into place; returns the final paths.

        When this returns, both the content and the new names are on the disk, so a row that
        points at them may be committed.

        Fan-out folders that staging left to us (see ``_prepare_unless_syncing``) are made
        here, between the two syncs, right before the rename that needs them.
        """
        if not staged:
            return []
        self.sync()
        final: list[str] = []
        for s in staged:
            self.prepare_dir(s.sha256)
            target = self._target(s.sha256, s.ext)
            # Same name, same content: replacing an existing copy (an orphan an interrupted
            # import left) is harmless and saves a stat per file.
            try:
                os.replace(s.tmp_path, target)
            except FileNotFoundError:  # the fan-out folder was removed behind our back
                if not os.path.exists(s.tmp_path):
                    raise
                os.makedirs(os.path.dirname(target), exist_ok=True)
                os.replace(s.tmp_path, target)
            except PermissionError:
                # Windows: the existing copy is open in a viewer; it holds the same content.
                if not (os.path.exists(target) and os.path.getsize(target) == s.size):
                    raise
                _unlink(s.tmp_path)
            final.append(target)
        self.sync()  # the renames themselves
        return final

    def discard(self, staged: Iterable[StagedFile]) -> None:
        for s in staged:
            _unlink(s.tmp_path)

    def clean_tmp(self) -> None:
        """Remove temporary files (and staging folders) an interrupted import left behind."""
        if self.tmp_dir.exists():
            for p in self.tmp_dir.iterdir():
                if p.is_dir():
                    shutil.rmtree(p, ignore_errors=True)
                else:
                    p.unlink(missing_ok=True)

    def iter_stored(self) -> Iterable[tuple[str, Path]]:
        """Every stored file as (sha256, path), for fixity's orphan search."""
        for first in sorted(self.root.iterdir()) if self.root.exists() else []:
            if not first.is_dir() or first.name.startswith("."):
                continue
            for second in sorted(first.iterdir()):
                for path in sorted(second.iterdir()):
                    yield path.name.split(".", 1)[0], path

    def move_out(self, sha256: str, ext: str, dest_dir: Path) -> Path:
        """Move stored content to ``dest_dir`` (the trash), keeping its store name."""
        src = self.path_for(sha256, ext)
        dest_dir.mkdir(parents=True, exist_ok=True)
        dest = dest_dir / src.name
        shutil.move(str(src), str(dest))
        return dest

    def move_in(self, src: Path, sha256: str, ext: str) -> Path:
        target = self.path_for(sha256, ext)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(src), str(target))
        return target


def _unlink(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()

"""What the target drive is: its file system (FAT32 cannot hold files of 4 GiB), its free space,
and how to make a read-back come from the stick rather than from the system's memory cache.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

log = logging.getLogger(__name__)


def existing_parent(path: Path) -> Path:
    path = path.absolute()
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


def filesystem_type(path: Path) -> str | None:
    """"vfat", "exfat", "ext4", "NTFS", "FAT32" … for the drive holding ``path``; None if unknown."""
    target = existing_parent(path)
    if sys.platform == "win32":
        return _windows_fs(target)
    try:
        mounts = Path("/proc/mounts").read_text("utf-8").splitlines()
    except OSError:
        return None
    resolved = str(target.resolve())
    best, fs = "", None
    for line in mounts:
        parts = line.split()
        if len(parts) < 3:
            continue
        point = parts[1].replace("\\040", " ")
        inside = resolved == point or resolved.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, fs = point, parts[2]
    return fs


def _windows_fs(path: Path) -> str | None:  # pragma: no cover - Windows only
    import ctypes

    kernel = ctypes.windll.kernel32  # type: ignore[attr-defined]
    root = ctypes.create_unicode_buffer(261)
    if not kernel.GetVolumePathNameW(str(path), root, 261):
        return None
    fs_name = ctypes.create_unicode_buffer(261)
    ok = kernel.GetVolumeInformationW(root.value, None, 0, None, None, None, fs_name, 261)
    return fs_name.value if ok else None


def free_bytes(path: Path) -> int:
    return shutil.disk_usage(existing_parent(path)).free


def settle(fd: int) -> None:
    """Push a written file to the device and drop it from the cache, so that reading it back
    reads what the stick really holds (a fake-capacity stick fails here, not at the evaluator's).

    POSIX: fdatasync, then POSIX_FADV_DONTNEED. Windows: FlushFileBuffers through fsync; the
    read-back may still be served from the cache there.
    """
    if hasattr(os, "fdatasync"):
        with contextlib.suppress(OSError):
            os.fdatasync(fd)
    else:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    if hasattr(os, "posix_fadvise"):
        with contextlib.suppress(OSError):
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)


def drop_cache(fd: int) -> None:
    """Drop clean cached pages of a file not written now (a file kept from an earlier export)."""
    if hasattr(os, "posix_fadvise"):
        with contextlib.suppress(OSError):
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)


def flush_files(root: Path, paths: Sequence[Path | str]) -> None:
    """Make freshly written files durable on the device before they are read back.

    Linux: one ``syncfs`` of the target's file system (a batch of files in one go; ``os.sync``
    where libc has no syncfs). Windows: FlushFileBuffers on each file (fsync needs write access).
    """
    if sys.platform == "win32":  # pragma: no cover - Windows only
        for path in paths:
            with contextlib.suppress(OSError):
                fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
        return
    if not _syncfs(root):
        os.sync()


@functools.cache
def _libc_syncfs() -> Callable[[int], int] | None:
    import ctypes

    try:
        return ctypes.CDLL(None, use_errno=True).syncfs  # type: ignore[no-any-return]
    except (OSError, AttributeError):
        return None


def _syncfs(root: Path) -> bool:
    syncfs = _libc_syncfs()
    if syncfs is None:
        return False
    fd = os.open(root, os.O_RDONLY)
    try:
        return syncfs(fd) == 0
    finally:
        os.close(fd)


class BackgroundFlush:
    """Pushes written data to the device while the export still copies, so that the flush
    before the manifest has little left to do: a file-system sync on a thread whenever
    ``written()`` has grown by ``every`` bytes. Without a file-system-wide sync (Windows flushes
    file by file) it does nothing; the final ``flush_files`` is the guarantee either way."""

    def __init__(self, root: Path, written: Callable[[], int], every: int) -> None:
        self.root = root
        self.written = written
        self.every = every
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> BackgroundFlush:
        if self.every > 0 and sys.platform != "win32":
            self._thread = threading.Thread(target=self._run, name="package-flush", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        last = 0
        while not self._stop.wait(0.2):
            now = self.written()
            if now - last >= self.every:
                last = now
                with contextlib.suppress(OSError):
                    flush_files(self.root, [])
        log.debug("background flush (thread CPU %.2f s)", time.thread_time())

"""Content-addressed file store: ``files/ab/cd/<sha256>.<ext>``.

Content is written to a temporary name inside the store, flushed to disk, and only then renamed to
its final name; the database row that points at it is committed after that. A crash leaves at most
an orphan (reported by fixity, reused by the next import), never a row without its file.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK = 1024 * 1024
# Small files are read whole: one read, one hash, one write is the fastest path for the 50 KB
# documents a ledger is mostly made of.
WHOLE_READ_LIMIT = 8 * 1024 * 1024


@dataclass(frozen=True)
class StagedFile:
    """Content written to a temporary name, hashed, not yet in the store."""

    tmp_path: Path
    sha256: str
    size: int
    ext: str


def normalise_ext(name: str) -> str:
    """The extension as stored: lower case, without the dot, at most 20 characters."""
    suffix = Path(name).suffix.lower().lstrip(".")
    return suffix if suffix.isascii() and 0 < len(suffix) <= 20 else ""


def flush_to_disk(paths: Iterable[Path]) -> None:
    """Make written files durable: one ``sync`` where the OS has it, else fsync each file."""
    if hasattr(os, "sync"):
        os.sync()
        return
    for path in paths:  # Windows: FlushFileBuffers through fsync on a handle
        fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.tmp_dir = root / ".tmp"
        self._made_dirs: set[Path] = set()

    def ensure(self) -> None:
        self.tmp_dir.mkdir(parents=True, exist_ok=True)

    def path_for(self, sha256: str, ext: str) -> Path:
        name = f"{sha256}.{ext}" if ext else sha256
        return self.root / sha256[:2] / sha256[2:4] / name

    def exists(self, sha256: str, ext: str) -> bool:
        return self.path_for(sha256, ext).exists()

    def prepare_dir(self, sha256: str, ext: str) -> None:
        """Create the fan-out folder of a future file (done while staging, in the worker
        threads: folder creation is the slowest step of filing many small files)."""
        parent = self.path_for(sha256, ext).parent
        if parent not in self._made_dirs:
            parent.mkdir(parents=True, exist_ok=True)
            self._made_dirs.add(parent)

    def stage_stream(self, stream: BinaryIO, ext: str) -> StagedFile:
        """Copy ``stream`` to a temporary file in the store while hashing it."""
        self.ensure()
        tmp = self.tmp_dir / f"{uuid.uuid4().hex}.part"
        digest = hashlib.sha256()
        size = 0
        try:
            with open(tmp, "wb") as out:
                while chunk := stream.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        sha = digest.hexdigest()
        self.prepare_dir(sha, ext)
        return StagedFile(tmp, sha, size, ext)

    def stage_bytes(self, data: bytes, ext: str) -> StagedFile:
        self.ensure()
        tmp = self.tmp_dir / f"{uuid.uuid4().hex}.part"
        try:
            with open(tmp, "wb") as out:
                out.write(data)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        sha = hashlib.sha256(data).hexdigest()
        self.prepare_dir(sha, ext)
        return StagedFile(tmp, sha, len(data), ext)

    def commit(self, staged: list[StagedFile]) -> list[Path]:
        """Flush staged files to disk and rename them into place; returns the final paths."""
        flush_to_disk([s.tmp_path for s in staged])
        final: list[Path] = []
        for s in staged:
            target = self.path_for(s.sha256, s.ext)
            # Same name, same content: replacing an existing copy (an orphan an interrupted
            # import left) is harmless and saves a stat per file.
            self.prepare_dir(s.sha256, s.ext)
            try:
                os.replace(s.tmp_path, target)
            except FileNotFoundError:  # the fan-out folder was removed behind our back
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(s.tmp_path, target)
            except PermissionError:
                # Windows: the existing copy is open in a viewer; it holds the same content.
                if not (target.exists() and target.stat().st_size == s.size):
                    raise
                s.tmp_path.unlink(missing_ok=True)
            final.append(target)
        if staged and hasattr(os, "sync"):
            os.sync()  # the renames themselves
        return final

    def discard(self, staged: Iterable[StagedFile]) -> None:
        for s in staged:
            s.tmp_path.unlink(missing_ok=True)

    def clean_tmp(self) -> None:
        """Remove temporary files an interrupted import left behind."""
        if self.tmp_dir.exists():
            for p in self.tmp_dir.iterdir():
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


def hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()

"""A zip of a finished package, for sending by mail or network share instead of a stick.

Entry names are UTF-8 with the zip's UTF-8 flag (Windows 10's Explorer reads that correctly);
files that are compressed already (photos, PDF, Office files) are stored, not deflated again.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from archive.errors import CivLedgerError
from archive.progress import CancelToken, ProgressCallback, no_progress
from exporters.package.meter import ByteMeter
from exporters.package.names import FAT32_MAX_FILE, fits_filesystem
from exporters.package.writer import walk_files

STORED_EXTS = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".pdf", ".docx",
                         ".xlsx", ".pptx", ".zip", ".rar", ".7z", ".mp4", ".mov", ".avi",
                         ".wmv", ".mkv", ".mp3", ".ofd"})


def zip_path_for(root: Path) -> Path:
    return root.with_name(root.name + ".zip")


def make_zip(root: Path, fs_type: str | None, progress: ProgressCallback = no_progress,
             cancel: CancelToken | None = None) -> Path:
    """Write ``<root>.zip`` beside the package folder and test every entry's CRC."""
    target = zip_path_for(root)
    files = list(walk_files(root))
    total = sum((root / f).stat().st_size for f in files)
    if not fits_filesystem(total, fs_type):
        raise CivLedgerError(
            f"压缩包约 {total / 1024**3:.1f} GB，超过 FAT32 格式U盘单个文件 "
            f"{(FAT32_MAX_FILE + 1) // 1024**3} GB 的上限，未生成压缩包。"
            "资料包文件夹本身已完整导出，可直接使用；如需压缩包，请使用 exFAT/NTFS 格式的磁盘。")
    meter = ByteMeter(progress, total)
    tmp = target.with_name(target.name + ".part")
    try:
        with zipfile.ZipFile(tmp, "w", allowZip64=True) as zf:
            for rel in files:
                if cancel is not None:
                    cancel.raise_if_cancelled()
                path = root / rel
                method = (zipfile.ZIP_STORED if path.suffix.lower() in STORED_EXTS
                          else zipfile.ZIP_DEFLATED)
                zf.write(path, f"{root.name}/{rel}", compress_type=method)
                meter.done += path.stat().st_size
                meter.report(f"正在压缩 {path.name}")
        with zipfile.ZipFile(tmp) as zf:
            bad = zf.testzip()
        if bad is not None:
            raise CivLedgerError(f"压缩包中的“{bad}”读回校验失败，请重新导出。")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target

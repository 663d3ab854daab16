"""Where a package can go: mounted volumes, with removable drives (USB sticks) first."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QStorageInfo

REMOVABLE_FILESYSTEMS = {"vfat", "fat", "fat32", "exfat", "msdos", "fuseblk"}


@dataclass(frozen=True)
class Volume:
    root: Path
    name: str
    filesystem: str
    free: int
    total: int
    removable: bool

    @property
    def label(self) -> str:
        from exporters.package.meter import human_bytes

        kind = "U盘/移动磁盘" if self.removable else "磁盘"
        name = f"{self.name} " if self.name else ""
        return (f"{kind} {name}({self.root})  可用 {human_bytes(self.free)} / "
                f"{human_bytes(self.total)}  {self.filesystem.upper()}")


def _looks_removable(info: QStorageInfo) -> bool:
    """Qt does not say "removable"; FAT/exFAT volumes and /media mounts almost always are."""
    fs = bytes(info.fileSystemType().data()).decode(errors="replace").lower()
    root = info.rootPath()
    if fs in REMOVABLE_FILESYSTEMS:
        return True
    if sys.platform == "win32":
        return False
    return root.startswith(("/media/", "/run/media/", "/mnt/", "/Volumes/"))


def mounted_volumes() -> list[Volume]:
    out: list[Volume] = []
    for info in QStorageInfo.mountedVolumes():
        if not (info.isValid() and info.isReady()) or info.isReadOnly():
            continue
        fs = bytes(info.fileSystemType().data()).decode(errors="replace")
        if fs in ("tmpfs", "devtmpfs", "proc", "sysfs", "overlay", "squashfs"):
            continue
        out.append(Volume(Path(info.rootPath()), info.name(), fs, int(info.bytesAvailable()),
                          int(info.bytesTotal()), _looks_removable(info)))
    out.sort(key=lambda v: (not v.removable, str(v.root)))
    return out


def free_space(path: Path) -> int | None:
    """Free bytes where ``path`` would be written (its nearest existing parent)."""
    probe = path
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    info = QStorageInfo(str(probe))
    return int(info.bytesAvailable()) if info.isValid() else None

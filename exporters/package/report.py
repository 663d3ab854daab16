"""What an export did, for the command line, the GUI's export wizard and the clerk."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exporters.package.selection import HeldBack


@dataclass
class ExportReport:
    out_dir: Path
    period: str
    files: int = 0  # files in the package, the manifest's tag files not counted
    bytes: int = 0
    documents: int = 0  # distinct documents exported
    placements: int = 0  # document files (a document filed under two standards counts twice)
    standards: int = 0
    written: list[str] = field(default_factory=list)  # copied or generated anew
    moved: list[str] = field(default_factory=list)  # renamed in place from an earlier export
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    held_back: list[HeldBack] = field(default_factory=list)
    released: list[int] = field(default_factory=list)
    renamed: list[dict[str, Any]] = field(default_factory=list)
    verified: bool = False
    verified_from: str = "cache"  # "device" when the read-back bypassed the system cache
    problems: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    cancelled: bool = False
    error: str = ""
    zip_path: str | None = None
    filesystem: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.verified and not self.problems and not self.error

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "out_dir": str(self.out_dir),
            "period": self.period,
            "files": self.files,
            "bytes": self.bytes,
            "documents": self.documents,
            "placements": self.placements,
            "standards": self.standards,
            "written": len(self.written),
            "written_paths": self.written,
            "moved": self.moved,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "held_back": [h.as_json() for h in self.held_back],
            "released": self.released,
            "renamed": self.renamed,
            "verified": self.verified,
            "verified_from": self.verified_from,
            "problems": self.problems,
            "notes": self.notes,
            "cancelled": self.cancelled,
            "error": self.error,
            "zip": self.zip_path,
            "filesystem": self.filesystem,
            "seconds": round(self.seconds, 3),
        }

"""Names Windows cannot store, or that do not fit the export layout.

The evaluators' USB package names files by their 题名 inside folders named by standard, so a title
becomes a path component on a FAT32/NTFS stick: forbidden characters, trailing dots or spaces and
device names (CON, NUL, COM1 …) make the copy fail on the evaluator's PC, and long titles push the
whole path past Windows' 260-character limit.
"""

from __future__ import annotations

import re

FORBIDDEN = frozenset('\\/:*?"<>|')
RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"]
    + [f"COM{i}" for i in range(1, 10)]
    + [f"LPT{i}" for i in range(1, 10)]
)
# The export layout allows this many characters for a title (the standard folders take the rest).
MAX_TITLE_CHARS = 60
MAX_NAME_CHARS = 200


_BAD = re.compile(r'[\\/:*?"<>|\x00-\x1f]|[. ]$')


def name_problems(name: str, max_chars: int | None = None) -> list[str]:
    """What is wrong with ``name`` as a Windows file name (Chinese phrases); [] when it is fine."""
    if (not _BAD.search(name) and (max_chars is None or len(name) <= max_chars)
            and len(name.split(".", 1)[0].strip()) > 4):
        return []  # the common case, decided without building anything
    problems: list[str] = []
    bad = sorted({ch for ch in name if ch in FORBIDDEN or ord(ch) < 32})
    if bad:
        shown = " ".join(ch if ord(ch) >= 32 else f"\\x{ord(ch):02x}" for ch in bad)
        problems.append(f"含有 Windows 文件名不允许的字符 {shown}")
    if name and name != name.rstrip(". "):
        problems.append("以句点或空格结尾")
    stem = name.split(".", 1)[0].strip().upper()
    if stem in RESERVED:
        problems.append(f"“{stem}”是 Windows 保留的设备名")
    if max_chars is not None and len(name) > max_chars:
        problems.append(f"长 {len(name)} 个字符，超过导出目录允许的 {max_chars} 个")
    return problems


def safe_component(name: str, max_chars: int = 80, fallback: str = "未命名") -> str:
    """``name`` made storable on Windows: forbidden characters replaced, shortened, no device
    names (for the files the reports write, e.g. one 督办通知 per unit)."""
    cleaned = "".join("_" if ch in FORBIDDEN or ord(ch) < 32 else ch for ch in name)
    cleaned = cleaned.strip()[:max_chars].rstrip(". ")
    if not cleaned:
        cleaned = fallback
    if cleaned.split(".", 1)[0].strip().upper() in RESERVED:
        cleaned = "_" + cleaned
    return cleaned

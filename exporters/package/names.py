"""Names that survive a Windows PC and a FAT32 stick: forbidden characters, reserved device names,
trailing dots, a path budget, uniqueness that Windows' case-insensitive file system agrees with.

Lengths are counted in UTF-16 code units, because that is what Windows' 260-unit ``MAX_PATH``
counts (a CJK character is one unit, an emoji two). Every path inside a package stays within
``PATH_BUDGET`` units so that it still opens from a folder like ``E:\\迎检资料\\2023年测评资料包\\``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

PATH_BUDGET = 160
# FAT32 stores a file's size in 32 bits: the largest file it can hold is 4 GiB minus one byte.
FAT32_MAX_FILE = 4 * 1024**3 - 1
FAT_FILESYSTEMS = frozenset({"fat", "fat12", "fat16", "fat32", "vfat", "msdos"})

# Windows forbids these in names; each becomes its full-width twin, which reads the same in a
# Chinese title ("关于……的通知：2023" keeps its colon) and is allowed everywhere.
_FORBIDDEN = {
    "\\": "＼", "/": "／", ":": "：", "*": "＊", "?": "？", '"': "＂", "<": "＜", ">": "＞",
    "|": "｜",
}
_FORBIDDEN_TABLE = str.maketrans(_FORBIDDEN)
_FORBIDDEN_RE = re.compile("[" + re.escape("".join(_FORBIDDEN)) + "]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SPACES = re.compile(r"\s+")
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"COM{i}" for i in "123456789¹²³"}
    | {f"LPT{i}" for i in "123456789¹²³"}
)


def utf16_len(text: str) -> int:
    """Length as Windows counts it (characters outside the BMP take two units)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def is_reserved(name: str) -> bool:
    """CON, NUL, COM1 … are devices on Windows, with any extension ("nul.txt", "CON .docx")."""
    stem = name.split(".", 1)[0].rstrip(" ")
    return stem.upper() in _RESERVED


def windows_problem(name: str) -> str | None:
    """Why Windows could not store ``name`` as one path component, or None if it can."""
    if not name:
        return "名称为空"
    bad = sorted({ch for ch in name if ch in _FORBIDDEN})
    if bad:
        return f"含有 Windows 不允许的字符 {' '.join(bad)}"
    if _CONTROL.search(name):
        return "含有控制字符"
    if name[-1] in ". ":
        return "以句点或空格结尾"
    if is_reserved(name):
        return f"“{name.split('.', 1)[0]}”是 Windows 的保留设备名"
    if utf16_len(name) > 255:
        return "名称超过 255 个字符"
    return None


def clean_component(text: str, fallback: str = "未命名") -> str:
    """``text`` made storable as a file or folder name (not yet shortened)."""
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text)
    text = text.translate(_FORBIDDEN_TABLE)
    text = _SPACES.sub(" ", text).strip()
    text = text.rstrip(". ")
    if not text:
        text = fallback
    if is_reserved(text):
        text = "_" + text
    return text


def shorten(text: str, max_units: int) -> str:
    """Cut ``text`` to at most ``max_units`` UTF-16 units, marking the cut with "…"."""
    if utf16_len(text) <= max_units:
        return text
    out: list[str] = []
    used = 0
    for ch in text:
        w = utf16_len(ch)
        if used + w > max_units - 1:
            break
        out.append(ch)
        used += w
    cut = "".join(out).rstrip(". ")
    return cut + "…"


def split_ext(name: str) -> tuple[str, str]:
    """("报告", ".pdf") for "报告.pdf"; an extension is ASCII and short, else there is none."""
    dot = name.rfind(".")
    if dot > 0:
        ext = name[dot:]
        if 1 < len(ext) <= 11 and ext[1:].isascii() and ext[1:].isalnum():
            return name[:dot], ext
    return name, ""


def fits_filesystem(size: int, fs_type: str | None) -> bool:
    """False for a file a FAT file system cannot hold (4 GiB or more)."""
    return not (fs_type and fs_type.lower() in FAT_FILESYSTEMS and size > FAT32_MAX_FILE)


def too_large_message(name: str, size: int) -> str:
    gib = size / 1024**3
    return (f"文件“{name}”有 {gib:.1f} GB，超过 FAT32 格式U盘单个文件 4 GB 的上限，未导出。"
            "请把U盘格式化为 exFAT 或 NTFS 后重新导出，或把该文件拆分后重新归档。")


@dataclass
class NameSpace:
    """The names already given inside one folder, compared as Windows compares them."""

    taken: set[str] = field(default_factory=set)

    @staticmethod
    def key(name: str) -> str:
        return unicodedata.normalize("NFC", name).casefold()

    def claim(self, name: str, max_units: int) -> tuple[str, bool]:
        """A name like ``name`` that is free here, within ``max_units``; True if it had to change.

        A clash gets " (2)", " (3)" … before the extension: never a silent overwrite.
        """
        stem, ext = split_ext(name)
        candidate = name
        n = 1
        while self.key(candidate) in self.taken:
            n += 1
            suffix = f" ({n}){ext}"
            candidate = shorten(stem, max(1, max_units - utf16_len(suffix))) + suffix
        self.taken.add(self.key(candidate))
        return candidate, candidate != name


def file_name(prefix: str, title: str, ext: str, max_units: int) -> tuple[str, list[str]]:
    """``<prefix><title><ext>`` cleaned and shortened to ``max_units``; and what was changed.

    The reasons are "forbidden_chars", "reserved", "trailing_dots" and "shortened", for the
    export report's list of renamed files.
    """
    reasons: list[str] = []
    raw = unicodedata.normalize("NFC", title)
    if _FORBIDDEN_RE.search(raw) or _CONTROL.search(raw):
        reasons.append("forbidden_chars")
    if raw.rstrip() != raw.rstrip(". "):
        reasons.append("trailing_dots")
    cleaned = clean_component(raw)
    if prefix and cleaned.startswith("_") and is_reserved(cleaned[1:]):
        cleaned = cleaned[1:]  # "001-CON.docx" is no device name: the prefix is enough
    elif is_reserved(cleaned.lstrip("_")):
        reasons.append("reserved")
    ext = _clean_ext(ext) if ext else ""
    room = max_units - utf16_len(prefix) - utf16_len(ext)
    short = shorten(cleaned, max(room, 4))
    if short != cleaned:
        reasons.append("shortened")
    return prefix + short + ext, reasons


@functools.lru_cache(maxsize=256)
def _clean_ext(ext: str) -> str:
    """An extension made storable; a package has a handful of distinct ones."""
    return clean_component(ext, fallback="")


def folder_name(code: str, title: str, max_units: int) -> str:
    """A folder "1.2.3 建设道德讲堂…" within ``max_units``; the code is never cut."""
    code = clean_component(code, fallback="") if code else ""
    head = f"{code} " if code else ""
    room = max_units - utf16_len(head)
    body = shorten(clean_component(title), max(room, 4))
    return (head + body).rstrip(". ") or "_"

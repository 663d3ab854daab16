"""A BagIt-style manifest (after RFC 8493) at the root of a package: ``bagit.txt``,
``bag-info.txt``, ``manifest-sha256.txt`` and ``tagmanifest-sha256.txt``.

The payload is not moved into a ``data/`` folder as full BagIt would have it: the evaluators' page
(``index.html``) and the period folder must sit at the top of the stick. The manifest is written
last, after every file was read back and verified, so a package with a manifest is a finished
one; an unfinished one carries ``导出未完成.txt`` instead.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

BAGIT_TXT = "bagit.txt"
BAG_INFO_TXT = "bag-info.txt"
MANIFEST_TXT = "manifest-sha256.txt"
TAGMANIFEST_TXT = "tagmanifest-sha256.txt"
TAG_FILES = (BAGIT_TXT, BAG_INFO_TXT, MANIFEST_TXT, TAGMANIFEST_TXT)
INCOMPLETE_MARKER = "导出未完成.txt"
AGENT = "CivLedger 创文台账"


@dataclass
class BagInfo:
    organisation: str
    period: str
    period_start: dt.date
    period_end: dt.date
    exported: dt.datetime
    documents: int
    files: int
    bytes: int
    held_back: int
    unit: str = ""
    standard: str = ""
    framework: str = ""

    def text(self) -> str:
        fields = [
            ("Source-Organization", self.organisation or "（未设置单位名称）"),
            ("Bagging-Date", self.exported.date().isoformat()),
            ("Bag-Software-Agent", AGENT),
            ("External-Description", f"{self.period}年度创建文明城市测评资料包"),
            ("Period", self.period),
            ("Period-Start", self.period_start.isoformat()),
            ("Period-End", self.period_end.isoformat()),
            ("Framework", self.framework),
            ("Export-Date", self.exported.isoformat(timespec="seconds")),
            ("Document-Count", str(self.documents)),
            ("File-Count", str(self.files)),
            ("Held-Back-Count", str(self.held_back)),
            ("Payload-Oxum", f"{self.bytes}.{self.files}"),
        ]
        if self.unit:
            fields.append(("Unit", self.unit))
        if self.standard:
            fields.append(("Standard", self.standard))
        return "".join(f"{k}: {v}\n" for k, v in fields if v != "")


def encode_path(path: str) -> str:
    """BagIt escapes only CR, LF and % in manifest paths."""
    return path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def decode_path(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%0d", "\r").replace(
        "%0a", "\n").replace("%25", "%")


def manifest_text(entries: dict[str, str]) -> str:
    """``<sha256>  <path>`` lines, sorted by path, for ``{path: sha256}``."""
    return "".join(f"{sha}  {encode_path(path)}\n" for path, sha in sorted(entries.items()))


def parse_manifest(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in text.splitlines():
        line = line.rstrip("\r")
        if not line.strip():
            continue
        sha, _, path = line.partition(" ")
        out[decode_path(path.lstrip(" *"))] = sha.lower()
    return out


def read_manifest(root: Path, name: str = MANIFEST_TXT) -> dict[str, str] | None:
    path = root / name
    try:
        return parse_manifest(path.read_text("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError):
        return {}


def tag_files(info: BagInfo, payload: dict[str, str]) -> dict[str, bytes]:
    """The four tag files, in the order they must be written."""
    files = {
        BAGIT_TXT: b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
        BAG_INFO_TXT: info.text().encode(),
        MANIFEST_TXT: manifest_text(payload).encode(),
    }
    tags = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    files[TAGMANIFEST_TXT] = manifest_text(tags).encode()
    return files


def parse_bag_info(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and not line.startswith((" ", "\t")):
            out[key.strip()] = value.strip()
    return out

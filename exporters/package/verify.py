"""Checking a package against its manifest, on the clerk's PC or after the stick came back.

``{"ok": bool, "checked": n, "bytes": n, "problems": [{"kind", "path", "message"}]}`` with kinds
``missing`` (listed, not there), ``altered`` (there, other content — one changed byte is enough),
``unexpected`` (there, not listed) and ``incomplete`` (no manifest, or the export's
"not finished" marker). Files Windows or macOS drop into folders someone opened (Thumbs.db,
desktop.ini, .DS_Store, Office's ~$ lock files) are ignored.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from archive.errors import CivLedgerError
from archive.progress import CancelToken, ProgressCallback, no_progress
from exporters.package.manifest import (
    BAG_INFO_TXT,
    INCOMPLETE_MARKER,
    MANIFEST_TXT,
    TAG_FILES,
    TAGMANIFEST_TXT,
    parse_bag_info,
    read_manifest,
)
from exporters.package.meter import ByteMeter
from exporters.package.writer import CHUNK, hash_path, is_artefact, path_key, walk_files

MESSAGES = {
    "missing": "清单中的文件“{path}”不见了",
    "altered": "文件“{path}”的内容与导出时不同（校验值不符），可能被修改或损坏",
    "unexpected": "文件“{path}”不在清单中，是导出后加入的",
}


def _problem(kind: str, path: str, message: str = "") -> dict[str, Any]:
    return {"kind": kind, "path": path,
            "message": message or MESSAGES[kind].format(path=path)}


def verify_package(root: Path | str, progress: ProgressCallback = no_progress,
                   cancel: CancelToken | None = None) -> dict[str, Any]:
    """Re-hash every file of the package at ``root`` against its manifest."""
    root = Path(root)
    if not root.is_dir():
        raise CivLedgerError(f"找不到资料包文件夹 {root}。")
    problems: list[dict[str, Any]] = []
    if (root / INCOMPLETE_MARKER).exists():
        problems.append(_problem("incomplete", INCOMPLETE_MARKER,
                                 f"资料包中有“{INCOMPLETE_MARKER}”：上次导出没有完成，"
                                 "请重新导出"))
    manifest = read_manifest(root)
    if manifest is None:
        problems.append(_problem("incomplete", MANIFEST_TXT,
                                 f"缺少清单文件 {MANIFEST_TXT}：这不是一个导出完成的资料包"))
        return {"ok": False, "checked": 0, "bytes": 0, "problems": problems}

    tags = read_manifest(root, TAGMANIFEST_TXT) or {}
    for name, sha in sorted(tags.items()):
        path = root / name
        if not path.exists():
            problems.append(_problem("missing", name))
        elif hashlib.sha256(path.read_bytes()).hexdigest() != sha:
            problems.append(_problem("altered", name))

    sizes: dict[str, int] = {}
    for rel in manifest:
        try:
            sizes[rel] = (root / rel).stat().st_size
        except OSError:
            sizes[rel] = -1
    meter = ByteMeter(progress, sum(s for s in sizes.values() if s > 0))
    buf = bytearray(CHUNK)
    checked = 0
    for rel, sha in sorted(manifest.items()):
        if cancel is not None:
            cancel.raise_if_cancelled()
        if sizes[rel] < 0:
            problems.append(_problem("missing", rel))
            continue
        try:
            actual = hash_path(root / rel, buf)
        except OSError:
            problems.append(_problem("missing", rel))
            continue
        checked += 1
        if actual != sha:
            problems.append(_problem("altered", rel))
        meter.done += sizes[rel]
        meter.report(f"正在核对 {rel.rsplit('/', 1)[-1]}")

    listed = {path_key(p) for p in manifest} | {path_key(p) for p in TAG_FILES}
    listed.add(path_key(INCOMPLETE_MARKER))
    for rel in walk_files(root):
        if path_key(rel) not in listed and not is_artefact(rel):
            problems.append(_problem("unexpected", rel))

    info_path = root / BAG_INFO_TXT
    if info_path.exists():
        oxum = parse_bag_info(info_path.read_text("utf-8", errors="replace")).get("Payload-Oxum")
        expected = f"{sum(s for s in sizes.values() if s > 0)}.{len(manifest)}"
        if oxum and oxum != expected and not any(p["kind"] in ("missing", "altered")
                                                 for p in problems):
            problems.append(_problem("altered", BAG_INFO_TXT,
                                     f"bag-info.txt 中的 Payload-Oxum {oxum} 与实际 {expected} 不符"))
    meter.report("核对完成", force=True)
    return {"ok": not problems, "checked": checked, "bytes": meter.done, "problems": problems}

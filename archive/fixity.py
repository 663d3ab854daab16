"""Fixity: re-hash every stored file against the database, and find strays in the store."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from archive.filestore import hash_file
from archive.library import Library
from archive.models import Document, File
from archive.progress import CancelToken, ProgressCallback, ProgressEvent, no_progress


def verify_library(
    lib: Library, progress: ProgressCallback = no_progress, cancel: CancelToken | None = None
) -> dict[str, Any]:
    """``{"ok", "checked", "problems": [{"kind": missing|altered|orphan, ...}]}``.

    Content of documents in the trash lives in ``trash/`` and is not expected in the store.
    """
    with lib.read_session() as s:
        files = s.execute(select(File.id, File.sha256, File.ext, File.size, File.original_name)
                          ).all()
        live = set(s.scalars(select(Document.file_id).where(Document.deleted_at.is_(None))))
    problems: list[dict[str, Any]] = []
    known = {f.sha256 for f in files}
    total = sum(f.size for f in files if f.id in live)
    done = checked = 0
    for f in files:
        if f.id not in live:
            continue
        if cancel is not None:
            cancel.raise_if_cancelled()
        path = lib.store.path_for(f.sha256, f.ext)
        checked += 1
        if not path.exists():
            problems.append({"kind": "missing", "sha256": f.sha256, "path": str(path),
                             "name": f.original_name,
                             "message": f"资料库中缺少文件“{f.original_name}”（{path.name}）"})
        elif hash_file(path) != f.sha256:
            problems.append({"kind": "altered", "sha256": f.sha256, "path": str(path),
                             "name": f.original_name,
                             "message": f"文件“{f.original_name}”的内容已被改动（校验值不符）"})
        done += f.size
        progress(ProgressEvent(done, total, f.original_name, unit="bytes"))
    for sha, path in lib.store.iter_stored():
        if sha not in known:
            problems.append({"kind": "orphan", "sha256": sha, "path": str(path),
                             "message": f"文件库中有不属于任何记录的文件 {path.name}"})
    return {"ok": not problems, "checked": checked, "problems": problems}

"""Sample input for screenshots that need an import: a small collection folder whose names map
partly onto the library's standards, filed into a throw-away copy of the library."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from gui.queries.tree import indicator_nodes


def sample_folder(window: Any) -> Path:
    root = Path(tempfile.mkdtemp(prefix="civledger-sample-")) / "2024年收集的资料"
    with window.state.session() as s:
        standards = [n for n in indicator_nodes(s) if n.is_standard][:3]
    for n, std in enumerate(standards, start=1):
        folder = root / f"{std.code} {std.title[:10]}"
        folder.mkdir(parents=True)
        for i in range(1, 4 - n % 2):
            (folder / f"{std.title[:8]}工作记录{i}.txt").write_text(
                f"{std.title}\n第{i}次工作记录。", "utf-8")
    other = root / "其他资料（待归类）"
    other.mkdir(parents=True)
    (other / "创建工作推进会会议纪要.txt").write_text("创建工作推进会会议纪要", "utf-8")
    (other / "志愿服务活动简报.txt").write_text("志愿服务活动简报", "utf-8")
    (other / "Thumbs.db").write_bytes(b"\0" * 16)
    return root


def sample_review(window: Any, timeout: float = 60.0) -> Any:
    """Import the sample folder and return the review dialog that opens afterwards."""
    from PySide6.QtWidgets import QApplication

    window.imports.import_folder([sample_folder(window)])
    deadline = time.monotonic() + timeout
    while window.imports.review is None and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.01)
    return window.imports.review

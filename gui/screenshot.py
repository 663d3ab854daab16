"""Rendering the window offscreen into a PNG: for the README, and to look at layouts in CI."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

VIEWS = ("ledger", "search", "dashboard", "export", "review", "welcome", "settings", "framework")


def _pick_standard(window: Any) -> int | None:
    """The standard with the most documents in the selected period (a full-looking list)."""
    from gui.itemmodels.indicator_tree import CountRole, IndicatorIdRole, IsStandardRole

    model = window.ledger.tree.model
    best: tuple[int, int] | None = None
    stack = [model.index(r, 0) for r in range(model.rowCount())]
    while stack:
        index = stack.pop()
        if index.data(IsStandardRole):
            count = int(index.data(CountRole) or 0)
            if best is None or count > best[0]:
                best = (count, int(index.data(IndicatorIdRole)))
        stack.extend(model.index(r, 0, index) for r in range(model.rowCount(index)))
    return best[1] if best else None


def render(library_dir: Path, out: Path, view: str = "ledger", query: str = "",
           size: tuple[int, int] = (1440, 900), file: Path | None = None) -> dict[str, Any]:
    """Open the library in a fresh window, show ``view`` and write it to ``out``."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from archive.library import Library
    from gui.app import create_application, install_indexing_hooks
    from gui.views.main_window import MainWindow

    app = create_application()
    install_indexing_hooks()
    if view == "review":
        # The review follows a real import: file the sample into a copy, never the original.
        import shutil
        import tempfile

        copy = Path(tempfile.mkdtemp(prefix="civledger-shot-")) / library_dir.name
        shutil.copytree(library_dir, copy)
        library_dir = copy
    window = MainWindow()
    window.resize(*size)
    window.state.set_library(Library.open(library_dir))
    window.show()
    app.processEvents()
    standard = _pick_standard(window)
    if standard is not None:
        window.ledger.tree.select_indicator(standard)
    window.ledger.documents.select_first()
    target: Any = window
    extra = _show_view(window, view, query, file)
    _settle(app, window)
    if view in ("framework", "export") and extra is not None:
        extra.next()  # the page worth seeing: the column mapping, the target and its space
        _settle(app, window)
    if extra is not None:
        target = extra
    out.parent.mkdir(parents=True, exist_ok=True)
    pixmap = target.grab()
    if not pixmap.save(str(out), "PNG"):
        raise OSError(f"无法写入截图 {out}")
    info = {"screenshot": str(out), "view": view, "width": pixmap.width(),
            "height": pixmap.height(), "documents": window.ledger.documents.model.total}
    window.runner.cancel_all()
    window.runner.wait()
    from PySide6.QtCore import QCoreApplication, QEvent

    for w in app.topLevelWidgets():
        if w is not window:
            w.close()
    window.state.close_library()
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    app.processEvents()
    return info


def _settle(app: Any, window: Any, timeout: float = 60.0) -> None:
    """Let workers (a check, a search, indexing) finish and the layout catch up."""
    import time

    deadline = time.monotonic() + timeout
    while window.runner.active and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    for _ in range(10):
        app.processEvents()


def _show_view(window: Any, view: str, query: str, file: Path | None) -> Any:
    """Switch to ``view``; returns a dialog to capture instead of the window, if any."""
    if view == "ledger":
        return None
    if view == "search":
        window.search(query or "文明")
        return None
    if view == "dashboard":
        window.show_page("dashboard")
        return None
    if view == "settings":
        dialog = window.libraries.show_settings()
        dialog.resize(640, 420)
        return dialog
    if view == "welcome":
        from gui.views.library_dialogs import WelcomeDialog

        dialog = WelcomeDialog(window)
        dialog.show()
        return dialog
    if view == "review":
        from gui.screenshot_samples import sample_review

        return sample_review(window)
    if view == "export":
        wizard = window.open_export_wizard()
        if wizard is not None and file is not None:
            wizard.target_page.folder.setText(str(file))
        return wizard
    if view == "framework":
        if file is None:
            raise ValueError("framework 截图需要 --file 指定任务分解表")
        return window.open_framework_wizard(Path(file))
    raise ValueError(f"未知视图：{view}")

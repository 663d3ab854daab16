"""The first start: no library yet (or the last one is gone) — create, open, or try the demo."""

from __future__ import annotations

from gui.views.library_dialogs import WelcomeDialog
from gui.views.main_window import MainWindow


def start_without_library(window: MainWindow, message: str = "") -> bool:
    """Ask until a library is open; False when the clerk chose 退出."""
    while not window.state.has_library:
        dialog = WelcomeDialog(window, message)
        if not dialog.exec():
            return False
        lib = window.libraries
        if dialog.choice == WelcomeDialog.CREATE:
            lib.new_library()
        elif dialog.choice == WelcomeDialog.OPEN:
            lib.choose_and_open()
        elif dialog.choice == WelcomeDialog.RECENT and dialog.recent_path:
            lib.open_path(dialog.recent_path)
        elif dialog.choice == WelcomeDialog.DEMO:
            lib.demo_library()
            return True  # the demo is generated in a worker and opens when ready
        message = ""
    return True

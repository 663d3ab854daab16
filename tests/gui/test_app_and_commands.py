"""Starting the application and ``gui --screenshot`` as a clerk or the README would."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from PySide6.QtGui import QFont, QImage
from PySide6.QtWidgets import QApplication

from gui import app as gui_app
from gui import settings
from gui.views.main_window import MainWindow


def _main_windows() -> list[MainWindow]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]


def _close_all() -> None:
    for w in _main_windows():
        w.state.background_indexing = False
        w.close()
        w.deleteLater()


@pytest.fixture
def no_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QApplication, "exec", lambda self: 0)


@pytest.fixture(autouse=True)
def forget_index_hooks() -> Iterator[None]:
    """Starting the application subscribes the index to the archive's hook; undo that so the
    other tests run as they would alone."""
    yield
    from indexing import uninstall_hooks

    uninstall_hooks()


def test_the_screenshot_command_renders_the_window(qapp, filed_template, tmp_path,  # noqa: ANN001
                                                   capsys) -> None:
    import shutil

    from main import main

    lib = tmp_path / "lib"
    shutil.copytree(filed_template, lib)
    out = tmp_path / "shots" / "main.png"
    assert main(["--library", str(lib), "gui", "--screenshot", str(out), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    image = QImage(str(out))
    assert not image.isNull() and (image.width(), image.height()) == (1440, 900)
    assert info["documents"] == 3  # the fullest standard, 1.1.1.1, is selected and listed
    assert not _main_windows()  # the command leaves nothing open


def test_run_app_opens_the_given_library(qapp, filed_library, no_event_loop, no_dialogs) -> None:  # noqa: ANN001
    root = filed_library.root
    filed_library.close()
    try:
        assert gui_app.run_app(str(root)) == 0
        (window,) = _main_windows()
        assert window.state.lib is not None and window.state.lib.root == root
        assert settings.last_library() == str(root)
    finally:
        _close_all()


def test_without_a_library_the_welcome_dialog_may_quit(qapp, no_event_loop, monkeypatch,  # noqa: ANN001
                                                       tmp_path) -> None:
    from gui.views import welcome

    monkeypatch.setenv("CIVLEDGER_LIBRARY", str(tmp_path / "不存在"))
    shown: list[str] = []

    class Quit(welcome.WelcomeDialog):
        def exec(self) -> int:
            shown.append("welcome")
            return 0

    monkeypatch.setattr(welcome, "WelcomeDialog", Quit)
    try:
        assert gui_app.run_app(None) == 0
        assert shown == ["welcome"]
    finally:
        _close_all()


def test_the_application_font_renders_chinese(qapp) -> None:  # noqa: ANN001
    family = gui_app.chinese_font_family()
    assert family is not None  # fonts-wqy-microhei here, Microsoft YaHei UI on Windows
    gui_app.apply_font(qapp)
    assert QFont(qapp.font()).family() == family


def test_the_window_icon_is_the_seal() -> None:
    path = gui_app.app_icon_path()
    assert path is not None and path.name == "civledger.png"
    assert not QImage(str(path)).isNull()

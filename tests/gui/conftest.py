"""GUI fixtures: settings in a temporary folder, a main window on a small real library."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from archive.importer import import_paths
from archive.library import Library
from tests.factories import make_docx, make_jpg, make_pdf, with_sample_framework


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Window state goes to a temporary INI file, never to the user's real settings."""
    folder = tmp_path_factory.mktemp("qsettings")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    yield folder


@pytest.fixture
def no_dialogs(monkeypatch: pytest.MonkeyPatch) -> dict[str, list]:
    """Record errors and notices instead of opening message boxes; answer confirmations yes."""
    from gui import messages

    seen: dict[str, list] = {"errors": [], "infos": [], "confirms": []}

    def error(parent, what, error, details=""):  # noqa: ANN001, ANN202
        seen["errors"].append((what, error))

    def info(parent, title, text, informative="", details=""):  # noqa: ANN001, ANN202
        seen["infos"].append((title, text, informative, details))

    def confirm(parent, title, text, informative="", ok_text="确定"):  # noqa: ANN001, ANN202
        seen["confirms"].append(text)
        return True

    monkeypatch.setattr(messages, "show_error", error)
    monkeypatch.setattr(messages, "show_info", info)
    monkeypatch.setattr(messages, "confirm", confirm)
    return seen


def evidence_folder(root: Path) -> Path:
    """A clerk's collection folder: two standards by code, one folder that maps nowhere."""
    make_docx(root / "1.1.1.1 理论学习" / "2023年理论学习计划.docx", title="2023年理论学习计划",
              doc_number="区委宣〔2023〕3号")
    make_pdf(root / "1.1.1.1 理论学习" / "中心组学习会议记录.pdf",
             pages=["中心组学习会议记录\n时间：2023年3月5日", "第二页：垃圾分类"])
    make_jpg(root / "1.1.1.1 理论学习" / "学习现场.jpg", taken=dt.datetime(2023, 3, 5, 9, 30))
    make_docx(root / "1.1.5.1 志愿服务" / "志愿服务制度.docx", title="志愿服务制度")
    make_docx(root / "其他资料" / "会议通知.docx", title="关于召开创建工作推进会的通知")
    return root


@pytest.fixture(scope="session")
def filed_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once: the sample framework with five documents of 2023 (four filed, one not)."""
    root = tmp_path_factory.mktemp("template")
    lib = with_sample_framework(Library.create(root / "lib"))
    result = import_paths(lib, [evidence_folder(root / "收集")], "2023")
    assert len(result.filed) == 4 and len(result.unassigned) == 1
    lib.close()
    return root / "lib"


@pytest.fixture
def filed_library(filed_template: Path, tmp_path: Path) -> Iterator[Library]:
    """A private copy of the template library for one test."""
    target = tmp_path / "lib"
    shutil.copytree(filed_template, target)
    lib = Library.open(target)
    yield lib
    lib.close()


def _open_window(qtbot, lib: Library, indexing: bool):  # noqa: ANN001, ANN202
    from gui.views.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.state.background_indexing = indexing
    win.state.set_library(lib)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def window(qtbot, filed_library: Library, no_dialogs):  # noqa: ANN001, ANN201
    """The main window on a private library; text extraction stays off so that nothing
    changes titles or findings behind a test's back (the search tests turn it on)."""
    win = _open_window(qtbot, filed_library, indexing=False)
    yield win
    win.close()  # cancels workers, saves the layout, closes the library


@pytest.fixture
def indexed_window(qtbot, filed_library: Library, no_dialogs):  # noqa: ANN001, ANN201
    """The main window with background extraction and indexing, as the clerk runs it; returns
    once the start-up catch-up (extracting the five documents, building the index) is done."""
    win = _open_window(qtbot, filed_library, indexing=True)
    qtbot.waitUntil(lambda: not win.runner.active, timeout=60000)
    yield win
    win.close()

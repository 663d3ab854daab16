"""Starting the desktop application: Qt set-up, a Chinese font, the library to open first."""

from __future__ import annotations

import importlib
import logging
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from archive.library import MARKER, default_library_dir
from gui import settings

log = logging.getLogger(__name__)

# First installed wins: Windows, macOS, then the fonts Linux desktops ship for Chinese.
CJK_FONTS = ("Microsoft YaHei UI", "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC",
             "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "SimSun")
FONT_POINT_SIZE = 10


def create_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication, created once, with high-DPI, names for QSettings and a Chinese font."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    # Fractional scale factors (125 %, 150 % on Windows laptops) without rounding blur.
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    QCoreApplication.setOrganizationName(settings.ORGANISATION)
    QCoreApplication.setApplicationName(settings.APPLICATION)
    app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationDisplayName("创文台账")
    install_chinese_translation(app)
    if sys.platform != "win32":
        app.setStyle("Fusion")  # the native Windows style is fine; elsewhere Fusion is consistent
    apply_font(app)
    icon = app_icon_path()
    if icon is not None:
        app.setWindowIcon(QIcon(str(icon)))
    return app


def install_chinese_translation(app: QApplication) -> bool:
    """Qt's own texts in Chinese: standard buttons (确定/取消), file dialogs, the context menus
    of text fields (复制/粘贴), wizard buttons. The bundle keeps only the zh_CN files."""
    translator = QTranslator(app)  # parented: lives as long as the application
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase",
                           "_", folder):
        return False
    app.installTranslator(translator)
    return True


def app_icon_path() -> Path | None:
    """The red seal icon (resources/civledger.png), beside the code or in a frozen bundle."""
    roots = [Path(__file__).resolve().parent.parent]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        roots.insert(0, Path(bundle))
    return next((r / "resources" / "civledger.png" for r in roots
                 if (r / "resources" / "civledger.png").exists()), None)


def chinese_font_family() -> str | None:
    families = set(QFontDatabase.families())
    return next((f for f in CJK_FONTS if f in families), None)


def apply_font(app: QApplication) -> None:
    family = chinese_font_family()
    font = QFont(app.font())
    if family:
        font.setFamily(family)
    font.setPointSize(FONT_POINT_SIZE)
    app.setFont(font)


def install_indexing_hooks() -> bool:
    """Let the search index follow imports and edits, when the indexing package is present."""
    try:
        indexing = importlib.import_module("indexing")
    except ImportError:
        return False
    install = getattr(indexing, "install_hooks", None)
    if install is None:
        return False
    install()
    return True


def _initial_library(library: str | None) -> Path | None:
    if library:
        return Path(library)
    last = settings.last_library()
    if last and (Path(last) / MARKER).exists():
        return Path(last)
    default = default_library_dir()
    return default if (default / MARKER).exists() else None


def run_app(library: str | None) -> int:
    """``python main.py``: the main window on the last library, or the first-start choice."""
    app = create_application()
    install_indexing_hooks()
    from gui.views.main_window import MainWindow
    from gui.views.welcome import start_without_library

    window = MainWindow()
    window.restore_layout()
    path = _initial_library(library)
    opened = path is not None and window.libraries.open_path(path)
    window.show()
    if not opened and not start_without_library(window, "" if path is None else
                                                f"资料库 {path} 无法打开。"):
        window.close()
        return 0
    return app.exec()

"""Replaces PyInstaller's hook for this PySide6 module: the same collection, minus the Qt plugins
and translations that installer/bundle.py leaves out (see ``bundle.filter_qt_hook`` for why
this happens in the hook). The module name comes from this file's name."""

import sys
from pathlib import Path

from PyInstaller.utils.hooks.qt import add_qt6_dependencies

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import bundle  # noqa: E402

hiddenimports, binaries, datas = bundle.filter_qt_hook(*add_qt6_dependencies(__file__))

"""Qt's own texts (standard buttons, dialogs, text-field menus) appear in Chinese."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from gui.app import install_chinese_translation


def test_qt_standard_texts_are_chinese(qapp: QApplication) -> None:
    assert install_chinese_translation(qapp)
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    assert QCoreApplication.translate("QWizard", "&Next") != "&Next"

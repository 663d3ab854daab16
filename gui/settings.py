"""Window state that belongs to this PC and this user (QSettings), never to the library.

Geometry, splitter positions and the list of recent libraries live here; what travels with the
library (organisation name, stage targets, period dates) lives in the library's own settings.
Always an INI file, so tests can point ``QSettings.setPath`` at a temporary folder and never touch
the user's real settings (on Windows the registry would be the default).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

ORGANISATION = "CivLedger"
APPLICATION = "CivLedger"
MAX_RECENT = 8


def qsettings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION,
                     APPLICATION)


def recent_libraries() -> list[str]:
    value = qsettings().value("library/recent", [])
    if isinstance(value, str):  # QSettings gives a bare string for a one-element list
        value = [value]
    return [str(v) for v in value or [] if v]


def remember_library(path: Path | str) -> None:
    """Put ``path`` first in the recent list (and make it the one opened next time)."""
    text = str(Path(path))
    items = [text] + [p for p in recent_libraries() if p != text]
    s = qsettings()
    s.setValue("library/recent", items[:MAX_RECENT])
    s.setValue("library/last", text)


def forget_library(path: Path | str) -> None:
    text = str(Path(path))
    s = qsettings()
    s.setValue("library/recent", [p for p in recent_libraries() if p != text])
    if s.value("library/last") == text:
        s.remove("library/last")


def last_library() -> str | None:
    value = qsettings().value("library/last")
    return str(value) if value else None


def save_bytes(key: str, data: QByteArray) -> None:
    qsettings().setValue(key, data)


def load_bytes(key: str) -> QByteArray | None:
    value = qsettings().value(key)
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


def save_value(key: str, value: object) -> None:
    qsettings().setValue(key, value)


def load_value(key: str, default: object = None) -> object:
    return qsettings().value(key, default)

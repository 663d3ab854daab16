"""The PySide6 desktop application: a thin layer over archive, indexing and exporters."""

from gui import pyside_fix

pyside_fix.apply()

"""The PySide6 desktop application: a thin layer over archive, indexing and exporters."""

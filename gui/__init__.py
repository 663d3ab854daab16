"""The PySide6 desktop application: a thin layer over archive, indexing and exporters.

Importing the package loads no Qt, so the command line (``gui.commands``) stays light.
"""

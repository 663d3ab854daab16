"""Text extraction and the Chinese full-text index (a cache rebuilt from the database).

``install_hooks()`` makes the index follow every change the archive announces through
``archive.hooks.documents_changed`` (imports, edits, deletions, restores).
"""

from __future__ import annotations

from typing import Any


def _on_documents_changed(lib: Any, document_ids: list[int]) -> None:
    # The pipeline (Whoosh, the worker pool) is imported at the first change, not when every
    # command of the program registers: ~0.08 s off the start of each command.
    from indexing.pipeline import on_documents_changed

    on_documents_changed(lib, document_ids)


def install_hooks() -> None:
    """Subscribe the indexing stage to ``documents_changed`` (idempotent)."""
    from archive.hooks import documents_changed

    documents_changed.subscribe(_on_documents_changed)


def uninstall_hooks() -> None:
    from archive.hooks import documents_changed

    documents_changed.unsubscribe(_on_documents_changed)

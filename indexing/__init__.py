"""Text extraction and the Chinese full-text index (a cache rebuilt from the database).

``install_hooks()`` makes the index follow every change the archive announces through
``archive.hooks.documents_changed`` (imports, edits, deletions, restores).
"""

from __future__ import annotations


def install_hooks() -> None:
    """Subscribe the indexing stage to ``documents_changed`` (idempotent)."""
    from archive.hooks import documents_changed
    from indexing.pipeline import on_documents_changed

    documents_changed.subscribe(on_documents_changed)


def uninstall_hooks() -> None:
    from archive.hooks import documents_changed
    from indexing.pipeline import on_documents_changed

    documents_changed.unsubscribe(on_documents_changed)

"""Hooks through which upper layers follow changes without the archive knowing them.

The archive never imports the index; the indexing package subscribes to ``documents_changed``
when it is loaded, and callers that changed documents fire it with the ids (as Anki's hooks do).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from archive.library import Library

DocumentsChanged = Callable[["Library", list[int]], None]


class Hook:
    def __init__(self) -> None:
        self._subscribers: list[DocumentsChanged] = []

    def subscribe(self, fn: DocumentsChanged) -> None:
        if fn not in self._subscribers:
            self._subscribers.append(fn)

    def unsubscribe(self, fn: DocumentsChanged) -> None:
        if fn in self._subscribers:
            self._subscribers.remove(fn)

    def __call__(self, lib: Library, document_ids: list[int]) -> None:
        for fn in list(self._subscribers):
            fn(lib, document_ids)


documents_changed = Hook()

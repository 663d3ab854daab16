"""Fixtures of the indexing tests: a filed and indexed ledger shared by a module's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from ix_corpus import Corpus, build_corpus

from archive.library import Library
from indexing import index as search_index
from tests.factories import with_sample_framework


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    c = build_corpus(tmp_path_factory.mktemp("corpus"))
    yield c
    search_index.close(c.lib)
    c.lib.close()


@pytest.fixture
def ledger(library: Library) -> Iterator[Library]:
    """An empty library with the sample framework whose index is closed afterwards."""
    with_sample_framework(library)
    yield library
    search_index.close(library)

"""A small ledger the package tests export: two standards, a Word file, two PDFs, a photo."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from archive.importer import import_paths
from archive.library import Library
from tests.factories import make_docx, make_jpg, make_pdf, with_sample_framework


@pytest.fixture(scope="module")
def lib(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    root = tmp_path_factory.mktemp("ledger")
    library = with_sample_framework(Library.create(root / "lib"))
    library.set_setting("organisation", "清源区文明办")
    src = root / "src"
    make_docx(src / "a" / "学习计划.docx", title="学习计划")
    make_pdf(src / "a" / "实施方案.pdf", pages=["实施方案"] * 2)
    make_jpg(src / "a" / "活动照片.jpg", taken=dt.datetime(2023, 4, 1, 10, 0))
    make_pdf(src / "b" / "宣讲活动记录.pdf", pages=["宣讲活动记录"])
    for folder, code in (("a", "1.1.1.1"), ("b", "1.1.1.2")):
        import_paths(library, [src / folder], "2023", standard=code)
    yield library
    library.close()

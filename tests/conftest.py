"""Shared fixtures. Qt must be told to render offscreen before any QApplication exists."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("CIVLEDGER_DB_URL", None)

from archive.library import Library  # noqa: E402
from tests.factories import with_sample_framework

# A PostgreSQL server to run the archive suite against, e.g.
# postgresql+psycopg://postgres@127.0.0.1:5432/civledger_test (set by .ci/run).
PG_URL = os.environ.get("CIVLEDGER_TEST_PG", "")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/gui" in Path(str(item.fspath)).as_posix():
            item.add_marker(pytest.mark.gui)


def _reset_pg_schema() -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(PG_URL, poolclass=NullPool)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    """A new, empty SQLite library."""
    lib = Library.create(tmp_path / "lib")
    yield lib
    lib.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_library(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Library]:
    """A new, empty library on each database the product supports."""
    if request.param == "postgresql":
        if not PG_URL:
            pytest.skip("CIVLEDGER_TEST_PG is not set (no PostgreSQL server for this run)")
        _reset_pg_schema()
        lib = Library.create(tmp_path / "lib", db_url=PG_URL)
    else:
        lib = Library.create(tmp_path / "lib")
    yield lib
    lib.close()


@pytest.fixture
def sample_library(library: Library) -> Library:
    """A SQLite library with the sample framework."""
    return with_sample_framework(library)

"""The library folder: create, open, refuse what is not a library or too new, settings, backup."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from archive.errors import LibraryError
from archive.library import DB_NAME, MARKER, Library
from archive.schema import head_revision


def test_create_lays_out_the_portable_folder(tmp_path: Path) -> None:
    lib = Library.create(tmp_path / "台账库")
    lib.close()
    root = tmp_path / "台账库"
    for sub in ("files", "index", "trash", "backups"):
        assert (root / sub).is_dir()
    assert json.loads((root / MARKER).read_text("utf-8"))["format"] == 1
    con = sqlite3.connect(root / DB_NAME)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head_revision()
    con.close()


def test_foreign_keys_are_enforced_on_sqlite(library: Library) -> None:
    with library.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_open_refuses_a_folder_that_is_not_a_library(tmp_path: Path) -> None:
    (tmp_path / "随便").mkdir()
    (tmp_path / "随便" / "a.txt").write_text("x")
    with pytest.raises(LibraryError, match="不是创文台账资料库"):
        Library.open(tmp_path / "随便")
    with pytest.raises(LibraryError, match="找不到资料库文件夹"):
        Library.open(tmp_path / "没有")


def test_create_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "keep.docx").write_bytes(b"data")
    with pytest.raises(LibraryError, match="不是空文件夹"):
        Library.create(tmp_path / "x")
    assert (tmp_path / "x" / "keep.docx").read_bytes() == b"data"


def test_library_from_a_newer_version_is_refused(library: Library) -> None:
    root = library.root
    library.close()
    con = sqlite3.connect(root / DB_NAME)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    with pytest.raises(LibraryError, match="更新版本"):
        Library.open(root)
    marker = json.loads((root / MARKER).read_text("utf-8"))
    marker["format"] = 99
    (root / MARKER).write_text(json.dumps(marker), "utf-8")
    with pytest.raises(LibraryError, match="更新版本"):
        Library.open(root)


def test_settings_travel_with_the_library(library: Library) -> None:
    library.set_setting("organisation", "某某区文明办")
    library.set_setting("stage_targets", {"第一年": 0.7})
    root = library.root
    library.close()
    with Library.open(root) as again:
        assert again.get_setting("organisation") == "某某区文明办"
        assert again.all_settings()["stage_targets"] == {"第一年": 0.7}
        assert again.get_setting("missing", "默认") == "默认"


def test_backup_is_a_consistent_copy(sample_library: Library) -> None:
    path = sample_library.backup()
    con = sqlite3.connect(path)
    assert con.execute("SELECT count(*) FROM indicator WHERE is_standard").fetchone()[0] == 37
    con.close()


def test_interrupted_import_leftovers_are_cleaned_on_open(library: Library) -> None:
    library.store.ensure()
    leftover = library.store.tmp_dir / "abc.part"
    leftover.write_bytes(b"half")
    root = library.root
    library.close()
    with Library.open(root):
        assert not leftover.exists()


def test_a_writer_waits_for_another_instead_of_failing(library: Library) -> None:
    """Read, let another connection commit, then write: both writes land, one after the other
    (a deferred SQLite transaction would fail with "database is locked")."""
    import threading
    import time

    from archive.models import Setting

    library.set_setting("n", 0)

    def bump() -> None:
        with library.session() as other:
            row = other.get(Setting, "n")
            assert row is not None
            row.value = row.value + 1

    with library.session() as s:
        row = s.get(Setting, "n")
        assert row is not None
        t = threading.Thread(target=bump)
        t.start()
        time.sleep(0.2)  # the other writer is now waiting for our lock
        row.value = row.value + 1
    t.join(timeout=30)
    assert library.get_setting("n") == 2


def test_reads_do_not_wait_for_a_writer(library: Library) -> None:
    library.set_setting("n", 1)
    with library.session() as s:
        from archive.models import Setting

        s.get(Setting, "n").value = 5  # type: ignore[union-attr]
        s.flush()
        with library.read_session() as r:
            assert r.get(Setting, "n").value == 1  # type: ignore[union-attr]
    with pytest.raises(RuntimeError, match="already open"), library.session(), \
            library.session():
        pass

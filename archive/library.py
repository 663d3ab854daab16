"""The library: one portable folder holding the database, the file store and the search cache.

    <library>/
        library.json   marker: format and where the database is
        library.db     SQLite in WAL mode (absent when the catalogue lives on PostgreSQL)
        files/         content-addressed store
        index/         search cache (derived; can be rebuilt from the database)
        trash/         content of deleted documents, until the trash is emptied
        backups/       online backups of the database

Open it once per process; take one session per unit of work and per thread (``session()``).
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from archive import schema
from archive.db import READ_ONLY, is_sqlite, make_engine, make_sessionmaker, sqlite_url
from archive.errors import LibraryError
from archive.filestore import FileStore
from archive.models import Setting

MARKER = "library.json"
FORMAT = 1
DB_NAME = "library.db"
# Overrides the database URL of every library (tests and shared catalogues use it).
DB_URL_ENV = "CIVLEDGER_DB_URL"


def default_library_dir() -> Path:
    """The user's library when ``--library`` is not given (``CIVLEDGER_LIBRARY`` overrides)."""
    env = os.environ.get("CIVLEDGER_LIBRARY")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("CivLedger", appauthor=False)) / "默认资料库"


class Library:
    def __init__(self, root: Path, url: str, engine: Engine) -> None:
        self.root = root
        self.url = url
        self.engine = engine
        self._sessions: sessionmaker[Session] = make_sessionmaker(engine)
        self._read_sessions: sessionmaker[Session] = make_sessionmaker(
            engine.execution_options(**{READ_ONLY: True}))
        self.store = FileStore(root / "files")
        self._writing = threading.local()

    # -- locations -------------------------------------------------------------------------
    @property
    def index_dir(self) -> Path:
        return self.root / "index"

    @property
    def trash_dir(self) -> Path:
        return self.root / "trash"

    @property
    def backups_dir(self) -> Path:
        return self.root / "backups"

    @property
    def name(self) -> str:
        return self.root.resolve().name

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.url)

    # -- life cycle ------------------------------------------------------------------------
    @classmethod
    def create(cls, root: Path, db_url: str | None = None) -> Library:
        root = Path(root)
        if (root / MARKER).exists():
            raise LibraryError(f"文件夹 {root} 已经是一个资料库，不能重复创建。")
        if root.exists() and any(root.iterdir()):
            raise LibraryError(
                f"文件夹 {root} 不是空文件夹。请选择一个空文件夹或新的文件夹名来创建资料库。"
            )
        try:
            root.mkdir(parents=True, exist_ok=True)
            for sub in ("files", "index", "trash", "backups"):
                (root / sub).mkdir(exist_ok=True)
        except OSError as exc:
            raise LibraryError(f"无法创建资料库文件夹 {root}：{exc.strerror or exc}") from exc
        url = os.environ.get(DB_URL_ENV) or db_url or sqlite_url(root / DB_NAME)
        marker: dict[str, Any] = {"format": FORMAT, "app": "CivLedger"}
        if not is_sqlite(url):
            marker["db"] = url
        schema.upgrade(url, where=str(root))
        (root / MARKER).write_text(json.dumps(marker, ensure_ascii=False, indent=2), "utf-8")
        lib = cls(root, url, make_engine(url))
        with lib.engine.connect():
            pass  # the first connection switches the new database to WAL, which persists
        lib.store.ensure()
        return lib

    @classmethod
    def open(cls, root: Path) -> Library:
        root = Path(root)
        marker_path = root / MARKER
        if not root.is_dir():
            raise LibraryError(f"找不到资料库文件夹 {root}。")
        if not marker_path.exists():
            raise LibraryError(
                f"文件夹 {root} 不是创文台账资料库（缺少 {MARKER}）。"
                "请选择资料库文件夹，或用 init 新建一个。"
            )
        try:
            marker = json.loads(marker_path.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise LibraryError(f"资料库标记文件 {marker_path} 已损坏：{exc}") from exc
        if int(marker.get("format", 0)) > FORMAT:
            raise LibraryError(
                f"资料库 {root} 由更新版本的创文台账创建（格式 {marker.get('format')}）。"
                "请升级创文台账后再打开。"
            )
        url = os.environ.get(DB_URL_ENV) or marker.get("db") or sqlite_url(root / DB_NAME)
        if is_sqlite(url) and not (root / DB_NAME).exists():
            raise LibraryError(f"资料库 {root} 缺少数据库文件 {DB_NAME}。")
        schema.upgrade(url, where=str(root))
        lib = cls(root, url, make_engine(url))
        lib.store.clean_tmp()
        return lib

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- units of work ---------------------------------------------------------------------
    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session for one unit of work that may write: committed on success, rolled back
        on error. On SQLite it holds the write lock from its start (see ``archive.db``)."""
        if self.is_sqlite and getattr(self._writing, "active", False):
            # It would wait for the lock its own thread holds, then fail after busy_timeout.
            raise RuntimeError("a write session is already open in this thread; "
                               "pass the session down or use read_session() for the inner one")
        self._writing.active = True
        try:
            with self._sessions() as session:
                try:
                    yield session
                    session.commit()
                except BaseException:
                    session.rollback()
                    raise
        finally:
            self._writing.active = False

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A session that only reads: it never waits for a writer (SQLite WAL), so the UI
        thread and reports use it while imports and indexing write."""
        with self._read_sessions() as session:
            try:
                yield session
            finally:
                session.rollback()

    # -- settings that travel with the library --------------------------------------------
    def get_setting(self, key: str, default: Any = None) -> Any:
        with self.session() as s:
            row = s.get(Setting, key)
            return default if row is None else row.value

    def set_setting(self, key: str, value: Any) -> None:
        with self.session() as s:
            row = s.get(Setting, key)
            if row is None:
                s.add(Setting(key=key, value=value))
            else:
                row.value = value

    def all_settings(self) -> dict[str, Any]:
        with self.session() as s:
            return {row.key: row.value for row in s.scalars(select(Setting))}

    # -- backups ---------------------------------------------------------------------------
    def backup(self) -> Path:
        """Copy the database with SQLite's online backup (consistent while in use)."""
        import datetime as dt
        import sqlite3

        if not self.is_sqlite:
            raise LibraryError("PostgreSQL 资料库请由数据库管理员使用 pg_dump 备份。")
        self.backups_dir.mkdir(exist_ok=True)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = self.backups_dir / f"library-{stamp}.db"
        src = sqlite3.connect(self.root / DB_NAME)
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        return target

"""Engines and sessions for SQLite (embedded default) and PostgreSQL (shared catalogue)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.as_posix()}"


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


READ_ONLY = "civledger_read_only"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # foreign_keys is off by default in SQLite; WAL lets the GUI read while a worker writes;
    # synchronous=NORMAL is durable in WAL mode across application crashes.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()
    # We issue BEGIN ourselves (below); the driver's own implicit transactions are off.
    dbapi_connection.isolation_level = None


def _sqlite_begin(conn: Any) -> None:
    """Writers start with BEGIN IMMEDIATE: they take the write lock up front and wait for it
    (busy_timeout). A deferred transaction that reads and then writes fails at once with
    "database is locked" when another connection committed in between, and no timeout helps.
    Read-only units of work (``Library.read_session``) begin deferred and never wait in WAL.
    """
    read_only = conn.get_execution_options().get(READ_ONLY, False)
    conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    if is_sqlite(url):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    # expire_on_commit=False: results handed to callers stay readable after the unit of work.
    return sessionmaker(bind=engine, expire_on_commit=False)

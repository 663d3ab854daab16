"""Schema versions: create, migrate forward, refuse libraries written by a newer CivLedger.

Revisions are numbered ``0001``, ``0002`` … in ``archive/migrations/versions``; the newest file
name is the head, found without loading Alembic so that opening an up-to-date library stays fast.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import Connection, create_engine, inspect, text
from sqlalchemy.pool import NullPool

from archive.db import is_sqlite
from archive.errors import LibraryError

VERSIONS_DIR = Path(__file__).parent / "migrations" / "versions"
_REVISION_FILE = re.compile(r"^(\d{4})_\w+\.py$")


def known_revisions() -> list[str]:
    return sorted(
        m.group(1) for p in VERSIONS_DIR.iterdir() if (m := _REVISION_FILE.match(p.name))
    )


def head_revision() -> str:
    return known_revisions()[-1]


def current_revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _alembic_config(conn: Connection):  # noqa: ANN202 - alembic typing is loose
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    cfg.attributes["connection"] = conn
    return cfg


def upgrade(url: str, target: str = "head", where: str = "") -> None:
    """Bring the database to ``target``; refuse one whose revision this version does not know.

    Runs on a private engine without a pool, so the foreign-key pragma switched off for the
    migration never leaks into a connection the application later uses.
    """
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            current = current_revision(conn)
            conn.rollback()
            if current == head_revision() and target == "head":
                return
            if current is not None and current not in known_revisions():
                raise LibraryError(
                    f"资料库 {where} 由更新版本的创文台账写入（数据库版本 {current}，"
                    f"本程序支持至 {head_revision()}）。请升级创文台账后再打开。"
                )
            from alembic import command

            sqlite = is_sqlite(url)
            if sqlite:
                # Batch migrations copy tables; with foreign keys on, dropping the old copy
                # cascade-deletes child rows. pysqlite defers BEGIN, so the pragma applies.
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            command.upgrade(_alembic_config(conn), target)
            conn.commit()
            if sqlite:
                problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if problems:
                    raise LibraryError(f"资料库 {where} 迁移后外键检查失败：{problems[:5]}")
    finally:
        engine.dispose()

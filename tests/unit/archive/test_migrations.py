"""Migrations: the models and the migration chain describe the same schema, from 0001 on."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from archive import schema
from archive.db import sqlite_url
from archive.models import Base


def test_models_match_the_migrations(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "m.db")
    schema.upgrade(url)
    engine = create_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == [], f"models and migrations differ; add a revision: {diff}"


def test_upgrade_from_the_first_schema_keeps_data(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "m.db")
    first = schema.known_revisions()[0]
    schema.upgrade(url, target=first)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO period (label, start, \"end\") "
                          "VALUES ('2023', '2023-01-01', '2023-12-31')"))
    schema.upgrade(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT label FROM period")).scalar() == "2023"
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
            schema.head_revision()
        )
        tables = set(inspect(conn).get_table_names())
    engine.dispose()
    assert set(Base.metadata.tables) <= tables


def test_revision_files_form_one_chain() -> None:
    import importlib.util

    revisions = schema.known_revisions()
    previous = None
    for rev in revisions:
        path = next(schema.VERSIONS_DIR.glob(f"{rev}_*.py"))
        spec = importlib.util.spec_from_file_location(f"rev_{rev}", path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        assert module.revision == rev
        assert module.down_revision == previous
        previous = rev

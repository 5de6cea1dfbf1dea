"""The district's own migrations build exactly its models, on SQLite and PostgreSQL, and go down again."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from district_cloud import db as district_db
from district_cloud.models import Base


def test_migrations_match_models(database_url: str) -> None:
    engine = create_engine(database_url)
    district_db.upgrade(engine)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": True, "version_table": "district_alembic_version"}
        )
        assert compare_metadata(ctx, Base.metadata) == []
    district_db.downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"district_alembic_version"}
    engine.dispose()

"""The console's Alembic migrations (used by `sc init`, `sc serve` and the tests); the runner is sc_core's."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from sc_core import migrate

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def upgrade(engine: Engine, revision: str = "heads") -> None:
    migrate.upgrade(engine, MIGRATIONS, revision)


def downgrade(engine: Engine, revision: str) -> None:
    migrate.downgrade(engine, MIGRATIONS, revision)

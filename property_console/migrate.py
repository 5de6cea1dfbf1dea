"""Run Alembic migrations programmatically (used by `sc init`, `sc serve` and the tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine | None = None, migrations: Path = MIGRATIONS) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations))
    if engine is not None:
        cfg.set_main_option(
            "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
        )
    return cfg


def upgrade(engine: Engine, revision: str = "heads", migrations: Path = MIGRATIONS) -> None:
    """Bring the schema up to `revision` inside one connection (the district passes its own `migrations`)."""
    cfg = alembic_config(engine, migrations)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def downgrade(engine: Engine, revision: str, migrations: Path = MIGRATIONS) -> None:
    cfg = alembic_config(engine, migrations)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)

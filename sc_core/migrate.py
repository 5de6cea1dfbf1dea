"""Run a deployable's Alembic migrations programmatically, inside one connection."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine


def alembic_config(engine: Engine | None, migrations: Path) -> Config:
    """An Alembic config for the scripts in `migrations`, bound to `engine`'s URL when given."""
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations))
    if engine is not None:
        cfg.set_main_option(
            "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
        )
    return cfg


def upgrade(engine: Engine, migrations: Path, revision: str = "heads") -> None:
    """Bring the schema of the scripts in `migrations` up to `revision` inside one connection."""
    cfg = alembic_config(engine, migrations)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def downgrade(engine: Engine, migrations: Path, revision: str) -> None:
    cfg = alembic_config(engine, migrations)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)

"""Engine, migrations and sessions of the district database."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from district_cloud.config import DistrictSettings
from sc_core import migrate
from sc_core.db import make_engine, make_sessionmaker  # same engine rules as the console

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Apply the district's own Alembic migrations (district_cloud/migrations)."""
    migrate.upgrade(engine, MIGRATIONS, revision)


def downgrade(engine: Engine, revision: str) -> None:
    migrate.downgrade(engine, MIGRATIONS, revision)


@dataclass
class District:
    settings: DistrictSettings
    engine: Engine
    sessions: sessionmaker[Session]


def open_district(settings: DistrictSettings, *, migrate: bool = True) -> District:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.effective_database_url)
    if migrate:
        upgrade(engine)
    return District(settings, engine, make_sessionmaker(engine))

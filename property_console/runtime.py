"""Process wiring shared by the CLI commands: settings, engine, migrated database, sessions."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from property_console import migrate
from property_console.config import Settings
from property_console.db import make_engine, make_sessionmaker


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]


def open_runtime(settings: Settings, *, migrate_db: bool = True) -> Runtime:
    """Create the data dir and engine, and bring the schema to the newest migration."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.effective_database_url)
    if not settings.live_relay:
        from property_console.events.relay import disable_relay

        disable_relay(engine)
    if migrate_db:
        migrate.upgrade(engine)
    return Runtime(settings, engine, make_sessionmaker(engine))

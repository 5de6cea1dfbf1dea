"""The console's database: sc_core's engine rules and the console's own sessions."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from sc_core import db as core_db
from sc_core.db import make_engine, transaction

__all__ = ["make_engine", "make_sessionmaker", "transaction"]


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Console sessions (sc_core's rules)."""
    return core_db.make_sessionmaker(engine)

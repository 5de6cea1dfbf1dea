"""The console's database: sc_core's engine rules and the console's own sessions."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from sc_core import db as core_db
from sc_core.db import make_engine, transaction

__all__ = ["ConsoleSession", "make_engine", "make_sessionmaker", "transaction"]


class ConsoleSession(Session):
    """The console's sessions: the console's session listeners (outbox recorder, live push and relay,
    access-config bumps) are registered on this class, never on SQLAlchemy's global `Session`, so a district
    session (or any other deployable's) in the same process runs none of them."""


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Console sessions (sc_core's rules) of class `ConsoleSession`."""
    return core_db.make_sessionmaker(engine, ConsoleSession)

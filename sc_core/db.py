"""Engine rules shared by the console and the district: SQLite in WAL mode by default, PostgreSQL when configured."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

READ_ONLY = "sc_read_only"  # execution option: this transaction only reads (SQLite: a deferred BEGIN)
BUSY_TIMEOUT_MS = 15000  # a writer waits this long for the write lock before "database is locked"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Let SQLAlchemy, not pysqlite, emit BEGIN: otherwise SAVEPOINTs run outside a transaction and
    # RELEASE commits them (breaking all-or-nothing imports).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    """IMMEDIATE: take the write lock at BEGIN. Nearly every console transaction writes (the audit trail), and a
    deferred read-then-write transaction fails with "database is locked" when another writer commits first.
    A transaction declared read-only (`read_only()`) begins deferred and never waits for writers (WAL)."""
    conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")


def read_only(session: Session) -> bool:
    """Declare the session's next transaction read-only (call before its first statement); False if one is
    already open. On PostgreSQL it changes nothing."""
    if session.in_transaction():
        return False
    session.connection(execution_options={READ_ONLY: True})
    return True


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def make_sessionmaker(engine: Engine, session_class: type[Session] = Session) -> sessionmaker[Session]:
    """Sessions that keep their objects loaded after commit; a deployable passes its own `session_class`
    to carry its session listeners (never registered on SQLAlchemy's global `Session`)."""
    return sessionmaker(engine, class_=session_class, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose work commits at the end of the block or rolls back on error."""
    with factory() as session, session.begin():
        yield session

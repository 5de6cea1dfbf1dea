"""Engine rules shared by the console and the district: SQLite in WAL mode by default, PostgreSQL when configured."""

from __future__ import annotations

import threading
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


class _WriterQueue:
    """One SQLite writer at a time within a process, queued on a Python lock: SQLite's own busy handler
    sleeps in growing steps (up to 100 ms) between tries, so under contention a waiter oversleeps the
    lock's release and the tail latency grows; other processes still meet the busy timeout."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._holder: int | None = None

    def begin(self, conn: Connection) -> None:
        """IMMEDIATE: take the write lock at BEGIN. Nearly every console transaction writes (the audit trail),
        and a deferred read-then-write transaction fails with "database is locked" when another writer commits
        first. A transaction declared read-only (`read_only()`) begins deferred and never waits (WAL)."""
        if conn.get_execution_options().get(READ_ONLY):
            conn.exec_driver_sql("BEGIN")
            return
        queued = self._lock.acquire(timeout=BUSY_TIMEOUT_MS / 1000)  # then leave it to SQLite's busy timeout
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            if queued:
                self._lock.release()
            raise
        if queued:
            self._holder = id(conn.connection.dbapi_connection)

    def end(self, conn: Connection) -> None:
        if self._holder is not None and self._holder == id(conn.connection.dbapi_connection):
            self._holder = None
            self._lock.release()


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
        writers = _WriterQueue()
        event.listen(engine, "begin", writers.begin)
        event.listen(engine, "commit", writers.end)
        event.listen(engine, "rollback", writers.end)
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

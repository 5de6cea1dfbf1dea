"""SQLite: a transaction declared read-only never waits for the write lock; the default one takes it at BEGIN."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from property_console.models import Device
from sc_core.db import make_engine, make_sessionmaker, read_only


@pytest.mark.parametrize("seeded_url", ["sqlite"], indirect=True)
def test_read_only_reads_while_another_process_writes(seeded_url: str, tmp_path: Path) -> None:
    engine = make_engine(seeded_url)
    writer = sqlite3.connect(seeded_url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        sessions = make_sessionmaker(engine)
        with sessions() as db:
            assert read_only(db)
            assert db.execute(select(Device.serial).where(Device.serial == "DOOR-1-1-0001")).scalar_one()
            assert not read_only(db)  # a transaction is open: too late to declare it
        with engine.connect() as conn:
            conn.connection.dbapi_connection.execute("PRAGMA busy_timeout=50")  # type: ignore[union-attr]
            conn.execute(text("SELECT 1"))  # the default BEGIN IMMEDIATE must wait for the lock, then give up
    except OperationalError as exc:
        assert "locked" in str(exc)
    else:
        pytest.fail("a default transaction began without the write lock")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        engine.dispose()

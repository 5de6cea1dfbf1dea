"""The outbox's store: a bounded FIFO of outgoing messages in SQLite; survives restarts, drops oldest with a logged count."""

from __future__ import annotations

import logging
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT NOT NULL, payload BLOB NOT NULL,
    qos INTEGER NOT NULL, retain INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


@dataclass(frozen=True, slots=True)
class Buffered:
    """One stored message."""

    seq: int
    topic: str
    payload: bytes
    qos: int
    retain: bool


class DiskBuffer:
    """Thread-safe SQLite queue with at most `max_messages` rows."""

    def __init__(self, path: str | Path, *, max_messages: int = 100_000) -> None:
        if max_messages < 1:
            raise ValueError("max_messages must be >= 1")
        self.max_messages = max_messages
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._count = self._db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]

    def __len__(self) -> int:
        return self._count

    @property
    def dropped(self) -> int:
        """Total messages dropped because the buffer was full (persisted)."""
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key='dropped'").fetchone()
        return int(row[0]) if row else 0

    def append(self, topic: str, payload: bytes, qos: int = 1, retain: bool = False) -> int:
        """Store a message (committed when this returns); returns its sequence number. When full, the oldest
        messages are dropped with a logged and persisted count (`dropped`)."""
        with self._lock:
            self._db.execute("BEGIN")
            seq = self._db.execute(
                "INSERT INTO outbox(topic, payload, qos, retain) VALUES (?,?,?,?)",
                (topic, payload, qos, int(retain)),
            ).lastrowid
            self._count += 1
            overflow = self._count - self.max_messages
            if overflow > 0:
                self._db.execute(
                    "DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox ORDER BY seq LIMIT ?)",
                    (overflow,),
                )
                self._db.execute(
                    "INSERT INTO meta(key, value) VALUES('dropped', ?) "
                    "ON CONFLICT(key) DO UPDATE SET value = value + excluded.value",
                    (overflow,),
                )
                self._count -= overflow
            self._db.execute("COMMIT")
        if overflow > 0:
            log.warning(
                "缓冲区满,丢弃最旧消息 / bus buffer full (%d): dropped %d oldest", self.max_messages, overflow
            )
        return int(seq or 0)

    def after(self, seq: int, limit: int = 100) -> list[Buffered]:
        """The oldest `limit` messages with a sequence number above `seq`, in order."""
        with self._lock:
            rows = self._db.execute(
                "SELECT seq, topic, payload, qos, retain FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?",
                (seq, limit),
            ).fetchall()
        return [Buffered(r[0], r[1], bytes(r[2]), r[3], bool(r[4])) for r in rows]

    def remove(self, seqs: list[int]) -> None:
        """Delete these messages (acknowledged)."""
        with self._lock:
            self._db.execute("BEGIN")
            cur = self._db.executemany("DELETE FROM outbox WHERE seq = ?", [(seq,) for seq in seqs])
            self._db.execute("COMMIT")
            self._count -= cur.rowcount

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()

"""Live push across console processes: committed messages go through the shared database.

The messages a transaction announces (`publish_after_commit`) are also written to `live_messages` as one row
in that same transaction, tagged with the writing process's broadcaster (`origin`). Each process that serves
browser streams runs one `LiveRelay` thread: it reads rows newer than its cursor and hands the ones other
processes wrote to its own broadcaster. Its own rows were already delivered in-process after commit.

- PostgreSQL: the transaction also runs `pg_notify('sc_live', origin)`, delivered at commit, so the relay
  wakes within milliseconds (LISTEN on its own connection); it still polls every second as a safety net.
- SQLite (and any other database): the relay polls every 0.1 s with plain autocommit reads (WAL: no lock).
- Ids are assigned at insert but rows become visible at commit, so a lower id can appear after a higher one
  (two PostgreSQL transactions committing out of order). The relay keeps such holes below its cursor open
  for GAP_WAIT_S and delivers late rows when they appear; a hole left by a rolled-back transaction expires.
- Commands (`gate_command`) are not shared: the process that made one forwards it, exactly once.
- Rows older than five minutes are pruned by events/housekeeping.py, whether or not a stream is open.
- `SC_LIVE_RELAY=0` (a single-process console) skips the write: `disable_relay(engine)`.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import weakref
from typing import Any

from sqlalchemy import Engine, bindparam, event, func, insert, select
from sqlalchemy.orm import Session

from property_console.db import ConsoleSession
from property_console.events.broadcast import PENDING, Broadcaster, broadcaster_for
from property_console.models import utcnow
from property_console.models.live import LiveMessage

log = logging.getLogger(__name__)
CHANNEL = "sc_live"
LOCAL_ONLY = frozenset({"gate_command"})
RECORDED = "sc_live_recorded"
POLL_S = 0.1
PG_POLL_S = 1.0
GAP_WAIT_S = 5.0
BATCH = 500
_relays: dict[int, LiveRelay] = {}
_disabled: weakref.WeakSet[Engine] = weakref.WeakSet()
_relays_lock = threading.Lock()


def _engine_of(session: Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


@event.listens_for(ConsoleSession, "before_commit")
def _record_pending(session: Session) -> None:
    """Write the transaction's not yet recorded messages to live_messages (and notify on PostgreSQL)."""
    messages = session.info.get(PENDING)
    if not messages:
        return
    done = session.info.get(RECORDED, 0)
    fresh = [m for m in messages[done:] if m.get("type") not in LOCAL_ONLY]
    session.info[RECORDED] = len(messages)
    engine = _engine_of(session)
    if not fresh or engine in _disabled:
        return
    origin = broadcaster_for(engine).origin
    now = utcnow()
    conn = session.connection()  # Core, not the ORM's bulk path: this runs once per committing transaction
    values = {"origin": origin, "created_at": now, "messages": fresh}
    if engine.dialect.name == "postgresql":  # the row and its notification in one round trip
        conn.execute(_PG_RECORD, {**values, "channel": CHANNEL})
    else:
        conn.execute(insert(LiveMessage), values)


_LIVE = insert(LiveMessage).values(
    origin=bindparam("origin"), created_at=bindparam("created_at"), messages=bindparam("messages")
)
_PG_RECORD = select(func.pg_notify(bindparam("channel"), bindparam("origin"))).select_from(
    _LIVE.returning(LiveMessage.id).cte("recorded")
)


@event.listens_for(ConsoleSession, "after_commit")
@event.listens_for(ConsoleSession, "after_soft_rollback")
def _reset_recorded(session: Session, *_: Any) -> None:
    session.info.pop(RECORDED, None)


class LiveRelay:
    """Feeds one process's broadcaster with the messages other processes committed."""

    def __init__(self, engine: Engine, broadcaster: Broadcaster) -> None:
        self.engine = engine
        self.broadcaster = broadcaster
        self.postgres = engine.dialect.name == "postgresql"
        self.cursor = 0
        self.gaps: dict[int, float] = {}  # missing id → when first noticed
        self.delivered = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._conn: Any = None  # a raw DBAPI connection: autocommit reads, LISTEN on PostgreSQL
        self._failing = False
        self._start_at_newest = False
        self._start_lock = threading.Lock()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start at the newest row (history is for the pages' own queries, not the stream).

        Never raises: with the database unreachable the thread starts anyway and catches up from the row
        that is newest once it can read (the stream still gets this process's own messages meanwhile).
        """
        with self._start_lock:  # several streams may open at once
            if self.running:
                return
            self._stop.clear()
            self.gaps.clear()
            try:
                self.cursor = self._newest()
            except Exception:
                log.warning("live relay: database unreachable at start; will catch up", exc_info=True)
                self._close()
                self._start_at_newest = True
            self._thread = threading.Thread(target=self._run, name="sc-live-relay", daemon=True)
            self._thread.start()

    def _newest(self) -> int:
        cur = self._connection().cursor()  # a plain read: on SQLite it must not wait for the write lock
        try:
            cur.execute("SELECT COALESCE(MAX(id), 0) FROM live_messages")
            return int(cur.fetchone()[0])
        finally:
            cur.close()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
        self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._wait()
                self.poll_once()
                if self._failing:
                    log.info("live relay recovered")
                    self._failing = False
            except Exception:  # the database is unreachable: say so once, retry
                if not self._failing:
                    log.exception("live relay failing; retrying")
                    self._failing = True
                self._close()
                self._stop.wait(1.0)
        self._close()

    def _connection(self) -> Any:
        if self._conn is None:
            raw = self.engine.raw_connection()
            self._conn = raw
            if self.postgres:
                driver: Any = raw.driver_connection
                driver.autocommit = True
                driver.execute(f"LISTEN {CHANNEL}")
        return self._conn

    def _close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.invalidate()  # never hand a LISTENing connection back to the pool
            except Exception:
                log.debug("closing the relay connection failed", exc_info=True)
            self._conn = None

    def _wait(self) -> None:
        """Until a notification from another process (PostgreSQL) or the next poll tick."""
        if not self.postgres:
            self._stop.wait(POLL_S)
            return
        own = self.broadcaster.origin
        for note in self._connection().driver_connection.notifies(timeout=PG_POLL_S, stop_after=1):
            if note.payload != own:
                return
        # only our own (or no) notifications: still poll now and then for holes and safety

    def poll_once(self) -> int:
        """Deliver rows other processes committed since the last poll; returns how many."""
        if self._start_at_newest:
            self.cursor, self._start_at_newest = self._newest(), False
        conn = self._connection()
        wanted = sorted(self.gaps)
        mark = "%s" if self.postgres else "?"
        cur = conn.cursor()
        try:
            sql = f"SELECT id, origin, messages FROM live_messages WHERE id > {mark}"
            args: list[Any] = [self.cursor]
            if wanted:
                sql += f" OR id IN ({', '.join([mark] * len(wanted))})"
                args += wanted
            cur.execute(f"{sql} ORDER BY id LIMIT {BATCH}", args)
            rows = cur.fetchall()
        finally:
            cur.close()
        if not self.postgres:
            conn.rollback()  # end the read snapshot so the next poll sees new commits
        sent = 0
        for row_id, origin, messages in rows:
            self.gaps.pop(row_id, None)
            if row_id > self.cursor:
                noticed = time.monotonic()
                for missing in range(self.cursor + 1, min(row_id, self.cursor + 1 + BATCH)):
                    self.gaps[missing] = noticed
                self.cursor = row_id
            if origin != self.broadcaster.origin:
                for message in json.loads(messages) if isinstance(messages, str) else messages:
                    self.broadcaster.publish(message)
                    sent += 1
        expired = time.monotonic() - GAP_WAIT_S
        self.gaps = {k: v for k, v in self.gaps.items() if v > expired}
        self.delivered += sent
        return sent


def disable_relay(engine: Engine) -> None:
    """A single-process console: do not write live_messages for this engine."""
    _disabled.add(engine)


def relay_for(engine: Engine) -> LiveRelay:
    """This process's relay for `engine` (one per engine; started by the first browser stream)."""
    with _relays_lock:
        found = _relays.get(id(engine))
        if found is None or found.engine is not engine:
            found = _relays[id(engine)] = LiveRelay(engine, broadcaster_for(engine))
        return found


def stop_relay(engine: Engine) -> None:
    with _relays_lock:
        found = _relays.pop(id(engine), None)
    if found is not None:
        found.stop()

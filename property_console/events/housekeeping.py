"""Housekeeping: the console's short-lived tables pruned on a timer, whether or not a browser is watching.

- `live_messages`: older than KEEP_LIVE_S (streams that were away longer resync anyway);
- `login_sessions`: expired or revoked more than KEEP_SESSIONS_DAYS ago;
- `event_rejects`: older than KEEP_REJECTS_DAYS (the evidence of what devices sent, kept for three months).

The uplink outbox prunes itself (uplink/outbox.py `prune`, in the delivery loop). `Housekeeping` runs one thread per
console process, started and stopped with the app's lifespan; several processes pruning the same rows is
harmless (plain DELETEs by age, in batches so a backlog never holds the write lock for long).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import Any

from sqlalchemy import ColumnElement, Engine, delete, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from property_console.models import Base, EventReject, LoginSession, utcnow
from property_console.models.live import LiveMessage

log = logging.getLogger(__name__)
KEEP_LIVE_S = 300.0
KEEP_SESSIONS_DAYS = 7
KEEP_REJECTS_DAYS = 90
INTERVAL_S = 60.0
BATCH = 5000


def _delete_batch(
    engine: Engine, table: type[Base], key: InstrumentedAttribute[Any], condition: ColumnElement[bool]
) -> int:
    with Session(engine) as db, db.begin():
        ids = list(db.execute(select(key).where(condition).limit(BATCH)).scalars())
        if ids:
            db.execute(delete(table).where(key.in_(ids)))
        return len(ids)


def _prune(
    engine: Engine, table: type[Base], key: InstrumentedAttribute[Any], condition: ColumnElement[bool]
) -> int:
    total = 0
    while (n := _delete_batch(engine, table, key, condition)) > 0:
        total += n
        if n < BATCH:
            break
    return total


def prune_live_messages(engine: Engine, keep_s: float = KEEP_LIVE_S) -> int:
    cutoff = utcnow() - dt.timedelta(seconds=keep_s)
    return _prune(engine, LiveMessage, LiveMessage.id, LiveMessage.created_at < cutoff)


def prune_login_sessions(engine: Engine, keep_days: float = KEEP_SESSIONS_DAYS) -> int:
    cutoff = utcnow() - dt.timedelta(days=keep_days)
    done = or_(LoginSession.expires_at < cutoff, LoginSession.revoked & (LoginSession.created_at < cutoff))
    return _prune(engine, LoginSession, LoginSession.token_hash, done)


def prune_event_rejects(engine: Engine, keep_days: float = KEEP_REJECTS_DAYS) -> int:
    cutoff = utcnow() - dt.timedelta(days=keep_days)
    return _prune(engine, EventReject, EventReject.id, EventReject.received_at < cutoff)


def run_once(engine: Engine) -> dict[str, int]:
    """Prune every housekeeping table once; rows deleted per table."""
    return {
        "live_messages": prune_live_messages(engine),
        "login_sessions": prune_login_sessions(engine),
        "event_rejects": prune_event_rejects(engine),
    }


class Housekeeping:
    """A daemon thread that calls run_once() every `interval_s` (first run at start)."""

    def __init__(self, engine: Engine, interval_s: float = INTERVAL_S) -> None:
        self.engine, self.interval_s = engine, interval_s
        self.runs = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._failing = False

    def start(self) -> Housekeeping:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="sc-housekeeping", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                pruned = run_once(self.engine)
                self.runs += 1
                if any(pruned.values()):
                    log.info("housekeeping pruned / 清理过期数据: %s", pruned)
                if self._failing:
                    log.info("housekeeping recovered / 数据清理已恢复")
                self._failing = False
            except Exception:  # the database is away: say so once, try again next time
                if not self._failing:
                    log.exception("housekeeping failing / 数据清理失败; retrying")
                self._failing = True
            self._stop.wait(self.interval_s)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
        self._thread = None

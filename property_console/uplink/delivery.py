"""The delivery loop: batches in outbox order, at-least-once, backoff with jitter, resumes from the database.

Nothing is kept in memory between batches: a row is pending until the district's ResponseStatusObject for it
says OK (acked) or invalid (rejected, shown in the report). A crash between the district storing a batch and
the console marking it leaves the rows pending; they are sent again and the district drops the duplicates.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, bindparam, func, update
from sqlalchemy.orm import Session, sessionmaker

from property_console.models.base import utcnow
from property_console.uplink import captures, outbox, resync
from property_console.uplink.backoff import delay
from property_console.uplink.batch import encode_batch
from property_console.uplink.outbox import OutboxEntry, pending
from property_console.uplink.settings import UplinkSettings
from property_console.uplink.transport import OK, PERMANENT, ConfigError, DistrictTransport, TransientError
from property_console.uplink.viid import Item

log = logging.getLogger(__name__)


@dataclass
class WorkerState:
    """What the console shows about the loop (the backlog itself is read from the database)."""

    running: bool = False
    registered: bool = False
    failures: int = 0
    last_error: str | None = None
    last_success_at: str | None = None
    last_keepalive_at: str | None = None
    next_attempt_in: float = 0.0
    delivered: int = 0
    batches: int = 0
    last_batch_lag_s: float | None = None
    pruned: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


class UplinkWorker:
    """Runs `step()` in a thread until stopped; `run_once()` delivers one batch (used by tests directly)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        settings: UplinkSettings,
        transport: DistrictTransport,
        community: str,
        *,
        after_send: Callable[[int], None] | None = None,
    ) -> None:
        self.sessions, self.settings, self.transport, self.community = (
            sessions,
            settings,
            transport,
            community,
        )
        self.after_send = after_send
        self.state = WorkerState()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._next_keepalive = 0.0
        self._next_prune = 0.0
        self._pool: ThreadPoolExecutor | None = None
        self._ahead: Future[tuple[list[Item], list[tuple[Item, str, dict[str, Any]]]]] | None = None

    def _read(self, after: int | None) -> tuple[list[Item], list[tuple[Item, str, dict[str, Any]]]]:
        with self.sessions() as db:
            items = pending(db, self.settings.batch_size, after)
            return items, encode_batch(db, items, self.community) if items else []

    def run_once(self) -> int:
        """Send one batch and record the outcome; returns how many rows it settled (acked or rejected).

        While a batch is on the wire the next one (rows after it) is read and encoded in a helper thread; it is
        used only if this batch settled completely, so a row left pending is always resent before later rows.
        """
        ahead, self._ahead = self._ahead, None
        items, encoded = (ahead.result() if ahead is not None else None) or self._read(None)
        if not items:
            return 0
        if self._pool is None:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="uplink-read")
        nxt = self._pool.submit(self._read, items[-1].seq)
        statuses: dict[int, dict[str, Any]] = {}
        groups: dict[str, list[tuple[Item, dict[str, Any]]]] = {}
        for item, key, obj in encoded:
            groups.setdefault(key, []).append((item, obj))
        error: Exception | None = None
        try:
            for key, group in groups.items():
                result = self.transport.send(key, [obj for _i, obj in group])
                statuses.update({item.seq: s for (item, _o), s in zip(group, result, strict=True)})
        except (TransientError, ConfigError) as exc:
            error = exc
        if self.after_send is not None:
            self.after_send(len(statuses))
        try:
            settled = self._settle(items, statuses, str(error) if error else None)
        except Exception:
            nxt.cancel()
            raise
        if error is not None:
            nxt.cancel()
            raise error
        if settled == len(items):
            self._ahead = nxt
        else:
            nxt.cancel()
        return settled

    def _settle(self, items: list[Item], statuses: dict[int, dict[str, Any]], error: str | None) -> int:
        """Mark the batch in one write-first transaction (no read before the first UPDATE: SQLite-safe)."""
        now = utcnow()
        acked: list[int] = []
        rejected: list[dict[str, Any]] = []
        retry: list[dict[str, Any]] = []
        for item in items:
            s = statuses.get(item.seq)
            if s is None:
                retry.append({"b_seq": item.seq, "b_error": (error or "")[:500], "b_sent": None})
                continue
            code, text = str(s.get("StatusCode")), f"{s.get('StatusCode')}: {s.get('StatusString', '')}"[:500]
            if code == OK:
                acked.append(item.seq)
            elif code in PERMANENT:
                rejected.append({"b_seq": item.seq, "b_error": text})
            else:
                retry.append({"b_seq": item.seq, "b_error": text, "b_sent": now})
        t = OutboxEntry.__table__
        assert isinstance(t, Table)
        by_seq = t.c.seq == bindparam("b_seq")
        attempts = t.c.attempts + 1
        with self.sessions.begin() as db:
            conn = db.connection()
            if acked:  # one statement for the whole batch (the usual case)
                conn.execute(
                    update(t)
                    .where(t.c.seq.in_(acked))
                    .values(status="acked", acked_at=now, sent_at=now, attempts=attempts, last_error=None)
                )
            if rejected:
                conn.execute(
                    update(t)
                    .where(by_seq)
                    .values(
                        status="rejected", sent_at=now, attempts=attempts, last_error=bindparam("b_error")
                    ),
                    rejected,
                )
            if retry:
                conn.execute(
                    update(t)
                    .where(by_seq)
                    .values(
                        attempts=attempts,
                        last_error=bindparam("b_error"),
                        sent_at=func.coalesce(bindparam("b_sent"), t.c.sent_at),
                    ),
                    retry,
                )
            if acked and self.settings.capture_retention_hours == 0:
                captures.purge(db, 0)
        settled = len(acked) + len(rejected)
        if settled:
            oldest = min((i.created_at for i in items if i.created_at is not None), default=None)
            if oldest is not None:
                self.state.last_batch_lag_s = max(0.0, (now - _aware(oldest)).total_seconds())
            self.state.delivered += settled
            self.state.batches += 1
            self.state.last_success_at = now.isoformat()
        return settled

    def keepalive(self) -> None:
        """Register once, then keepalive; start or finish a resync the district asks for."""
        if not self.state.registered:
            self.transport.register()
            self.state.registered = True
        with self.sessions() as db:
            token = resync.get_state(db, "resync_token")
            done = token if token and resync.resync_pending(db) == 0 else None
            reported = resync.get_state(db, "resync_reported")
        answer = self.transport.keepalive(done if done and done != reported else None)
        self.state.last_keepalive_at = utcnow().isoformat()
        with self.sessions.begin() as db:
            if done and done != reported:
                resync.set_state(db, "resync_reported", done)
            wanted = answer.get("ResyncToken")
            if wanted and wanted != resync.get_state(db, "resync_token"):
                n = resync.enqueue_resync(db)
                resync.set_state(db, "resync_token", str(wanted))
                log.info("district requested resync %s: %d records queued", wanted, n)

    def prune_outbox(self) -> int:
        """One batch of outbox pruning when due; again at the next step while whole batches go."""
        days, batch = self.settings.outbox_retention_days, self.settings.prune_batch
        if days <= 0 or time.monotonic() < self._next_prune:
            return 0
        with self.sessions.begin() as db:
            n = outbox.prune(db, days, batch)
        self.state.pruned += n
        self._next_prune = 0.0 if n >= batch else time.monotonic() + self.settings.prune_interval_seconds
        return n

    def step(self) -> float:
        """One iteration: keepalive when due, one batch; returns how long to wait before the next."""
        try:
            if time.monotonic() >= self._next_keepalive:
                self.keepalive()
                self._next_keepalive = time.monotonic() + self.settings.keepalive_seconds
            n = self.run_once()
            if self.settings.capture_retention_hours > 0:
                with self.sessions.begin() as db:
                    captures.purge(db, self.settings.capture_retention_hours)
            self.prune_outbox()
        except Exception as exc:
            self.state.failures += 1
            self.state.last_error = f"{type(exc).__name__}: {exc}"[:500]
            if self.state.failures == 1:
                log.warning("uplink delivery failing / 上报失败: %s", self.state.last_error)
            self.state.next_attempt_in = delay(
                self.state.failures, self.settings.backoff_base, self.settings.backoff_max
            )
            return self.state.next_attempt_in
        if self.state.failures:
            log.info("uplink delivery recovered after %d failures / 上报恢复", self.state.failures)
        self.state.failures, self.state.last_error, self.state.next_attempt_in = 0, None, 0.0
        return 0.0 if n >= self.settings.batch_size else (0.0 if n else self.settings.idle_seconds)

    def start(self) -> UplinkWorker:
        self.state.running = True
        self._thread = threading.Thread(target=self._run, name="uplink", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            self._stop.wait(self.step())

    def stop(self, *, unregister: bool = True) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self.state.running = False
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool, self._ahead = None, None
        if unregister and self.state.registered:
            with contextlib.suppress(TransientError, ConfigError):
                self.transport.unregister()
        self.transport.close()


def _aware(t: Any) -> Any:
    from datetime import UTC

    return t if t.tzinfo else t.replace(tzinfo=UTC)

"""Tell the face doors to re-sync at once: a retained `sc/<community>/config/access` bump after relevant commits.

A session `after_flush` hook notes changes to what `GET /api/access/sync` serves (persons, their photos and
residencies, blacklist entries, visitor passes, a door's address); after the commit (never on rollback) the
engine's `AccessConfigPublisher` is told. Once attached to the bus it publishes a `ConfigPayload(kind="access")`
with a rising revision, debounced: `quiet_s` after the last change, at most `max_delay_s` after the first, so an
Excel import of 2,000 persons is one bump, and a revoked visitor pass reaches the doors within about a second.
The doors (access/edge/process.py) answer a bump with an incremental sync.

Commits the hook cannot see — made by other processes (extra `uvicorn --workers`, `sc` commands) or by bulk
`update()` statements — are caught by `watch()`: every `interval_s` it compares max(updated_at) and the row count
of the same tables and bumps on a difference (a change seen by both paths costs the doors one extra, empty sync).
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from typing import Any

from sqlalchemy import Engine, event, func, inspect, select
from sqlalchemy.orm import Session, SessionTransaction, UOWTransaction

from devices.bus import ConfigPayload, Transport, config_topic
from property_console.db import ConsoleSession
from property_console.models import Device, Person, PersonPhoto, Residency
from property_console.models.access import BlacklistEntry, VisitorPass
from property_console.models.base import Record

log = logging.getLogger(__name__)
KIND = "access"
PENDING = "sc_access_config_changed"
TRACKED: dict[type[Record], str] = {
    Person: "person",
    PersonPhoto: "photo",
    Residency: "residency",
    BlacklistEntry: "blacklist",
    VisitorPass: "visitor_pass",
}
_registry: weakref.WeakKeyDictionary[Engine, AccessConfigPublisher] = weakref.WeakKeyDictionary()
_registry_lock = threading.Lock()


class AccessConfigPublisher:
    """Collects change notices; once attached, publishes one retained bump per burst of changes."""

    def __init__(self, quiet_s: float = 0.3, max_delay_s: float = 2.0) -> None:
        self.quiet_s, self.max_delay_s = quiet_s, max_delay_s
        self.revision = 0
        self.published = 0
        self._cond = threading.Condition()
        self._kinds: set[str] = set()
        self._first = self._last = 0.0
        self._transport: Transport | None = None
        self._topic = ""
        self._thread: threading.Thread | None = None
        self._watcher: threading.Thread | None = None
        self._stop = False

    def attach(self, transport: Transport, community: str) -> AccessConfigPublisher:
        """Start publishing on this bus; the first bump goes out at once (a restarted console may have missed
        changes made while it was down, and the retained message tells doors that connect later)."""
        with self._cond:
            self._transport, self._topic, self._stop = transport, config_topic(community, KIND), False
            self._kinds.add("startup")
            self._first = self._last = time.monotonic() - self.max_delay_s
            self._cond.notify_all()
        self._thread = threading.Thread(target=self._run, name="access-config", daemon=True)
        self._thread.start()
        return self

    def watch(self, engine: Engine, interval_s: float = 5.0) -> AccessConfigPublisher:
        """Also bump when the synced tables change behind this process's back (see the module docstring)."""
        self._watcher = threading.Thread(
            target=self._watch, args=(engine, interval_s), name="access-config-watch", daemon=True
        )
        self._watcher.start()
        return self

    def _watch(self, engine: Engine, interval_s: float) -> None:
        last, failing = None, False
        while True:
            with self._cond:
                if self._stop or self._cond.wait_for(lambda: self._stop, interval_s):
                    return
            try:
                now = fingerprint(engine)
            except Exception as exc:  # database away: the doors' periodic sync still runs
                if not failing:
                    log.warning("access config watch failing / 门禁配置变更检查失败: %s", exc)
                failing = True
                continue
            failing = False
            if last is not None and now != last:
                self.changed({"database"})
            last = now

    def changed(self, kinds: set[str], now: float | None = None) -> None:
        """Committed changes of these kinds (called from the committing thread; never blocks on the bus)."""
        now = time.monotonic() if now is None else now
        with self._cond:
            if not self._kinds:
                self._first = now
            self._kinds |= kinds
            self._last = now
            self._cond.notify_all()

    def pending(self) -> set[str]:
        """Kinds changed since the last bump."""
        with self._cond:
            return set(self._kinds)

    def reset(self) -> None:
        """Forget pending changes (tests; an unattached publisher only collects)."""
        with self._cond:
            self._kinds = set()

    def due_in(self, now: float) -> float | None:
        """Seconds until the pending burst is due (None: nothing pending)."""
        if not self._kinds:
            return None
        return max(0.0, min(self._last + self.quiet_s, self._first + self.max_delay_s) - now)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stop and (wait := self.due_in(time.monotonic())) != 0.0:
                    self._cond.wait(wait)
                if self._stop:
                    return
                kinds, self._kinds = self._kinds, set()
            try:
                self.publish(kinds)
            except Exception as exc:  # broker away: the doors' periodic sync still runs; next change retries
                log.warning("access config bump not published / 门禁配置变更通知未发出: %s", exc)

    def publish(self, kinds: set[str]) -> ConfigPayload:
        """Publish one retained bump now (revision: milliseconds, always rising)."""
        self.revision = max(self.revision + 1, time.time_ns() // 1_000_000)
        payload = ConfigPayload(kind=KIND, revision=self.revision, data={"changed": sorted(kinds)})
        if self._transport is None:
            raise RuntimeError("access config publisher is not attached to a bus")
        self._transport.publish(self._topic, payload.to_bytes(), qos=1, retain=True)
        self.published += 1
        return payload

    def stop(self) -> None:
        """Stop the publishing thread (pending changes are dropped: the doors' periodic sync covers them)."""
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        for thread in (self._thread, self._watcher):
            if thread is not None:
                thread.join(5)
        self._thread = self._watcher = None


def fingerprint(engine: Engine) -> tuple[tuple[Any, ...], ...]:
    """(max updated_at, row count) of every synced table: any insert, update or delete changes it."""
    with engine.connect() as conn:
        return tuple(
            tuple(conn.execute(select(func.max(model.updated_at), func.count()).select_from(model)).one())
            for model in TRACKED
        )


def publisher_for(engine: Engine) -> AccessConfigPublisher:
    """The publisher of everything committed through `engine` in this process."""
    with _registry_lock:
        found = _registry.get(engine)
        if found is None:
            found = _registry[engine] = AccessConfigPublisher()
        return found


def _kind(obj: Any, deleted: bool, session: Session) -> str | None:
    """The sync kind a flushed object belongs to (a door only when its address changed)."""
    if isinstance(obj, Device):
        return "door" if deleted or inspect(obj).attrs.address_id.history.has_changes() else None
    kind = TRACKED.get(type(obj))
    if kind is None or deleted or obj in session.new:
        return kind
    return kind if session.is_modified(obj, include_collections=False) else None


@event.listens_for(ConsoleSession, "after_flush")
def _note_changes(session: Session, _flush: UOWTransaction) -> None:
    """Remember, until commit, which synced kinds this transaction touched."""
    objects = [(o, False) for o in (*session.new, *session.dirty)] + [(o, True) for o in session.deleted]
    kinds = {k for o, deleted in objects if (k := _kind(o, deleted, session))}
    if kinds:
        session.info.setdefault(PENDING, set()).update(kinds)


@event.listens_for(ConsoleSession, "after_commit")
def _announce(session: Session) -> None:
    kinds = session.info.pop(PENDING, None)
    if not kinds:
        return
    bind = session.get_bind()
    publisher_for(bind if isinstance(bind, Engine) else bind.engine).changed(kinds)


@event.listens_for(ConsoleSession, "after_soft_rollback")
def _forget(session: Session, previous: SessionTransaction) -> None:
    if not previous.nested:
        session.info.pop(PENDING, None)

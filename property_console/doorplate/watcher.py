"""The background patrol check: wakes every minute, because a missed checkpoint produces no event."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from property_console.api.services import services_of
from property_console.doorplate.patrol_service import check_patrols
from property_console.events.alarms import alarm_message
from property_console.events.broadcast import publish_after_commit
from property_console.models import utcnow

log = logging.getLogger(__name__)
DEFAULT_SECONDS = 60.0


class PatrolWatcher:
    """Runs check_patrols in its own thread and session; logs once when it starts failing and on recovery."""

    def __init__(self, sessions: sessionmaker[Session], tz: str, every: float) -> None:
        self.sessions, self.tz, self.every = sessions, tz, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="patrol-watcher", daemon=True)
        self._failing = False

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def tick(self) -> int:
        """One check in its own transaction; the number of alarms raised."""
        with self.sessions.begin() as db:
            alarms = check_patrols(db, self.tz, utcnow())
            for alarm in alarms:
                publish_after_commit(db, alarm_message(alarm))
            return len(alarms)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.tick()
            except Exception:
                if not self._failing:
                    log.exception("patrol check failed; will retry every %.0f s", self.every)
                self._failing = True
                continue
            if self._failing:
                log.info("patrol check recovered")
            self._failing = False


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the watcher with the app (off in test mode unless `app.state.patrol_check_seconds` is set)."""
    every = getattr(app.state, "patrol_check_seconds", None)
    if every is None and services_of(app).settings.mode != "test":
        every = DEFAULT_SECONDS
    watcher = (
        PatrolWatcher(services_of(app).sessions, services_of(app).settings.timezone, float(every))
        if every
        else None
    )
    if watcher is not None:
        watcher.start()
    try:
        yield
    finally:
        if watcher is not None:
            watcher.stop()

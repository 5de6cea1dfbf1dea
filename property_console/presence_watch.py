"""The console's view of device presence on the bus: states, last wills and silence become intervals.

Why a device used to stay 在线 after kill -9: its last will is built when the edge connects, so the will's
timestamp is older than the online announcement that follows it, and the console ignored "older news". A will
and a silence are therefore dated when the console learns them; an announcement the device made itself is
dated by the device, kept between the previous transition and now.

Silence: a device whose online state carries `heartbeat` (seconds) promises to re-announce itself at least
that often (devices/bus/heartbeat.py); heard from by neither state nor event for more than twice that, it is
marked offline, which covers a link cut silently before the broker's own keepalive timer fires its will. The
MQTT `keepalive` alone promises nothing the console can hear (PINGREQ goes to the broker only), so a device
announcing only that is left to its will: judging it by silence would show every idle device offline.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from devices.bus import DeviceState
from property_console.events.presence import record
from property_console.models import utcnow

log = logging.getLogger(__name__)
SILENCE_FACTOR = 2.0
TICK_S = 0.5
RECEIPT_DATED = frozenset({"last_will", "silent"})


class PresenceWatch:
    """Feed it every state (`on_state`) and every event's device (`heard`); `start()` watches for silence."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        clock: Callable[[], dt.datetime] = utcnow,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.sessions, self.clock, self.monotonic = sessions, clock, monotonic
        self._lock = threading.Lock()
        self._heard: dict[str, float] = {}
        self._keepalive: dict[str, float] = {}
        self._online: dict[str, bool] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def heard(self, serial: str) -> None:
        """Any message from the device: it is alive now."""
        with self._lock:
            self._heard[serial] = self.monotonic()

    def on_state(self, state: DeviceState) -> None:
        """A retained state, a will or a heartbeat; only a change is written."""
        serial, now = state.device_id, self.clock()
        reason = str(state.info.get("reason") or ("online" if state.online else "offline"))
        keepalive = state.info.get("heartbeat")
        with self._lock:
            self._heard[serial] = self.monotonic()
            if state.online and isinstance(keepalive, int | float) and keepalive > 0:
                self._keepalive[serial] = float(keepalive)
            elif not state.online:
                self._keepalive.pop(serial, None)
            known = self._online.get(serial)
        if known == state.online:
            return  # a heartbeat: nothing to write
        at = now if reason in RECEIPT_DATED else min(state.ts, now)
        self._apply(serial, state.online, at, reason)

    def check(self) -> list[str]:
        """Mark offline every online device silent for more than twice its keepalive; returns their serials."""
        now = self.monotonic()
        with self._lock:
            silent = [
                s
                for s, keepalive in self._keepalive.items()
                if self._online.get(s) and now - self._heard.get(s, now) > SILENCE_FACTOR * keepalive
            ]
        for serial in silent:
            log.warning(
                "device %s silent for over %.0f s: offline / 设备长时间无消息,判为离线",
                serial,
                SILENCE_FACTOR * self._keepalive.get(serial, 0),
            )
            self._apply(serial, False, self.clock(), "silent")
        return silent

    def _apply(self, serial: str, online: bool, at: dt.datetime, reason: str) -> None:
        try:
            with self.sessions.begin() as db:
                record(db, serial, online, at, reason)
        except IntegrityError:  # another console process recorded the same transition first
            log.info("presence of %s already recorded elsewhere", serial)
        except Exception:
            log.exception("presence of %s not recorded / 在线状态未记录", serial)
            return
        with self._lock:
            self._online[serial] = online
            if not online:
                self._keepalive.pop(serial, None)

    def start(self) -> PresenceWatch:
        self._thread = threading.Thread(target=self._run, name="presence-watch", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(TICK_S):
            try:
                self.check()
            except Exception:
                log.exception("presence check failed")

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)

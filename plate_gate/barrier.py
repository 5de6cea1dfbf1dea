"""Barrier arm control through devices/ relays, with the loop/radar interlock: never lower onto a car.

Two wirings are common: an *open* pulse plus a *close* pulse (the controller holds the arm up in between),
or a single *hold* input (the arm stays up while the contact is closed). Either way the arm is lowered only
when the loop reads clear; a vehicle seen on the loop and then gone closes it at once, otherwise it closes
after ``auto_close_s``. A detector that cannot be read keeps the arm up (fail safe) and is logged once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from devices.relay import Relay
from plate_gate.loop_sensor import LoopSensor

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BarrierTiming:
    """Pulse length, automatic close delay, and the loop poll period (seconds)."""

    pulse_s: float = 0.5
    auto_close_s: float = 30.0
    poll_s: float = 0.1


class Barrier:
    """One barrier arm: ``open()`` now, ``tick()`` lowers it only when that is safe."""

    def __init__(
        self,
        open_relay: Relay,
        loop: LoopSensor,
        *,
        close_relay: Relay | None = None,
        timing: BarrierTiming | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.open_relay = open_relay
        self.close_relay = close_relay
        self.loop = loop
        self.timing = timing or BarrierTiming()
        self.clock = clock
        self.is_open = False
        self.opens = 0
        self.closes = 0
        self.held_for_car = 0
        self.sensor_fault = False
        self._opened_at = 0.0
        self._car_seen = False
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def open(self) -> float:
        """Raise the arm; returns the time the relay write took (seconds)."""
        with self._lock:
            started = time.perf_counter()
            if self.close_relay is None:
                self.open_relay.hold(True)
            else:
                self.open_relay.pulse(self.timing.pulse_s)
            took = time.perf_counter() - started
            self.is_open, self._opened_at, self._car_seen = True, self.clock(), False
            self.opens += 1
            return took

    def tick(self) -> bool:
        """Check the loop; lower the arm when it is up and safe to; returns True when it was lowered."""
        with self._lock:
            if not self.is_open:
                return False
            try:
                car = self.loop.occupied()
            except Exception as exc:  # any detector failure keeps the arm up
                if not self.sensor_fault:
                    log.error("loop detector unreadable, barrier held open / 地感故障,道闸保持抬起: %s", exc)
                self.sensor_fault = True
                return False
            if self.sensor_fault:
                log.info("loop detector reads again / 地感恢复")
                self.sensor_fault = False
            if car:
                self._car_seen = True
                self.held_for_car += 1
                return False
            if not self._car_seen and self.clock() - self._opened_at < self.timing.auto_close_s:
                return False
            self._lower()
            return True

    def _lower(self) -> None:
        if self.close_relay is None:
            self.open_relay.hold(False)
        else:
            self.close_relay.pulse(self.timing.pulse_s)
        self.is_open = False
        self.closes += 1

    def start(self) -> Barrier:
        """Poll the loop in a daemon thread every ``poll_s``."""
        self._thread = threading.Thread(target=self._run, name="barrier-loop", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.timing.poll_s):
            try:
                self.tick()
            except Exception:
                log.exception("barrier tick failed / 道闸控制异常")

    def stop(self) -> None:
        """Stop polling (the arm is left as it is)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2)

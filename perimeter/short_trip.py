"""Turn successive host samples into zone events without missing a trip shorter than the poll interval.

Contract with the host (docs/perimeter.md, devices/modbus/README.md): per input a live bit, a latched bit
(set on every trip, cleared only by the poller after the trip was recorded) and a u16 trip counter (+1 on
every trip, wraps at 65536). Counters are the source of truth: the number of trips since the last good
sample is the counter difference, so even a trip that starts and ends between two polls, or during a
30 s link outage, is counted. The latch covers the first sample (no previous counter) and counter resets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from perimeter import state_machine as sm

WRAP = 65536


@dataclass(frozen=True, slots=True)
class HostSample:
    """One complete read of a host; index i is input i+1. `counters` None = host without counters."""

    live: Sequence[bool]
    latched: Sequence[bool]
    fault: Sequence[bool]
    counters: Sequence[int] | None = None
    tamper_live: bool = False
    tamper_latched: bool = False
    tamper_count: int | None = None
    mains_ok: bool | None = None  # None: the host does not report power
    battery_low: bool | None = None


def trips_since(prev: int | None, now: int | None, latched: bool, max_jump: int) -> int:
    """Rising edges between two samples: counter delta mod 2^16, else (first sample, reset) the latch."""
    if prev is None or now is None:
        return 1 if latched else 0
    delta = (now - prev) % WRAP
    if delta > max_jump:  # host restarted and its counters began again: trust the latch
        return 1 if latched else 0
    return delta


def edges(was_open: bool, live: bool, trips: int, max_pulses: int) -> list[bool]:
    """Open (True) / close (False) edges that explain going from `was_open` to `live` with `trips` trips."""
    if trips == 0 and live and not was_open:
        trips = 1  # open without a counted edge (a host that missed it): still an opening
    out: list[bool] = []
    if was_open and trips > 0:
        out.append(False)  # it must have closed to trip again
    shown = min(trips, max_pulses)
    for i in range(shown):
        out.append(True)
        if i < shown - 1 or not live:
            out.append(False)
    if trips == 0 and was_open and not live:
        out.append(False)
    return out


class HostTracker:
    """Per-host memory of the last good sample; produces ZoneOpened/ZoneClosed/LineFault/Host* events."""

    def __init__(
        self,
        host_id: str,
        zones: dict[int, str],
        *,
        tamper_zone: str | None = None,
        silent_after: float = 5.0,
        max_jump: int = 1000,
        max_pulses: int = 20,
    ) -> None:
        self.host_id = host_id
        self.zones = zones  # 1-based input -> zone id
        self.tamper_zone = tamper_zone
        self.silent_after = silent_after
        self.max_jump = max_jump
        self.max_pulses = max_pulses
        self.online = True
        self.last_good: float | None = None
        self._first_failure: float | None = None
        self._prev: HostSample | None = None
        self._open: dict[int, bool] = {}
        self._fault: dict[int, bool] = {}
        self._tamper_open = False
        self._credit: dict[int, int] = {}  # opens already reported from a live bit, not yet counted
        self.to_clear: list[int] = []  # inputs whose latch may be cleared once the events were handled

    def failure(self, at: float) -> list[sm.Event]:
        """A poll failed; silence for `silent_after` seconds (since the last good poll) is a host fault."""
        if self._first_failure is None:
            self._first_failure = at
        since = self.last_good if self.last_good is not None else self._first_failure
        if self.online and at - since >= self.silent_after:
            self.online = False
            return [sm.HostSilent(host_id=self.host_id, at=at)]
        return []

    def sample(self, s: HostSample, at: float) -> list[sm.Event]:
        """A good poll: events for everything that changed since the previous good poll."""
        out: list[sm.Event] = []
        if not self.online:
            self.online = True
            out.append(sm.HostBack(host_id=self.host_id, at=at))
        self.last_good, self._first_failure = at, None
        prev = self._prev
        self.to_clear = []
        for n, zid in sorted(self.zones.items()):
            i = n - 1
            if i >= len(s.live):
                continue
            fault = bool(s.fault[i]) if i < len(s.fault) else False
            if fault != self._fault.get(n, False):
                out.append(sm.LineFault(zone_id=zid, at=at, active=fault))
                self._fault[n] = fault
            pc = prev.counters[i] if prev and prev.counters is not None else None
            nc = s.counters[i] if s.counters is not None else None
            was, live = self._open.get(n, False), bool(s.live[i])
            trips = trips_since(pc, nc, bool(s.latched[i]) and not was, self.max_jump)
            trips, self._credit[n] = self._settle(trips, self._credit.get(n, 0), was, live, pc, nc)
            for is_open in edges(was, live, trips, self.max_pulses):
                out.append(
                    sm.ZoneOpened(zone_id=zid, at=at) if is_open else sm.ZoneClosed(zone_id=zid, at=at)
                )
            self._open[n] = live
            if s.latched[i] and not live:
                self.to_clear.append(n)
        out += self._tamper(s, prev, at)
        self._prev = s
        return out

    @staticmethod
    def _settle(
        trips: int, credit: int, was: bool, live: bool, pc: int | None, nc: int | None
    ) -> tuple[int, int]:
        """Counters are read before live bits, so a trip in between is seen live first, counted next poll.

        The open reported from the live bit is credited against the next sample's counter step only, so it
        is never reported twice and a stale credit can never swallow a later, real trip.
        """
        if pc is None or nc is None:
            return trips, 0
        trips -= min(credit, trips)
        return trips, 1 if trips == 0 and live and not was else 0

    def _tamper(self, s: HostSample, prev: HostSample | None, at: float) -> list[sm.Event]:
        if self.tamper_zone is None:
            return []
        pc = prev.tamper_count if prev else None
        trips = trips_since(pc, s.tamper_count, s.tamper_latched and not self._tamper_open, self.max_jump)
        zid = self.tamper_zone
        evs = edges(self._tamper_open, s.tamper_live, trips, self.max_pulses)
        self._tamper_open = s.tamper_live
        return [sm.ZoneOpened(zone_id=zid, at=at) if o else sm.ZoneClosed(zone_id=zid, at=at) for o in evs]

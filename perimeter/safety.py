"""Safety sensors (smoke, hydrant pressure, electrical current/temperature/leakage): debounced limits, pure.

A reading beyond a limit must persist for `min_duration` seconds before it is an alarm, and must come back
inside the limit by `hysteresis` for the same time before it is normal again, so noise around a threshold
never flaps. No valid reading for `max_age` seconds is a sensor fault.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from perimeter import state_machine as sm

Change = Literal["alarm", "normal", "fault", "fault_cleared"]


@dataclass(frozen=True, slots=True)
class Limits:
    """Thresholds in engineering units; either bound may be absent (smoke: high=0.5 on a 0/1 input)."""

    low: float | None = None
    high: float | None = None
    hysteresis: float = 0.0
    min_duration: float = 0.0
    max_age: float = 10.0

    def __post_init__(self) -> None:
        if self.low is None and self.high is None:
            raise ValueError("a limit needs low and/or high")
        if self.hysteresis < 0 or self.min_duration < 0 or self.max_age <= 0:
            raise ValueError("hysteresis/min_duration must be >= 0 and max_age > 0")
        if self.low is not None and self.high is not None and self.high - self.low <= 2 * self.hysteresis:
            raise ValueError("high - low must exceed twice the hysteresis")


@dataclass(frozen=True, slots=True)
class SafetyChange:
    """One debounced change of a sensor: alarm, back to normal, fault, fault cleared."""

    sensor_id: str
    at: float
    change: Change
    value: float | None
    message_zh: str
    message_en: str


class SafetyMonitor:
    """Feed it readings (None = no valid value) and ticks; it returns debounced changes."""

    def __init__(self, sensor_id: str, limits: Limits, started_at: float) -> None:
        self.sensor_id = sensor_id
        self.limits = limits
        self.alarm = False
        self.fault = False
        self.last_value: float | None = None
        self._last_valid = started_at
        self._since: float | None = None  # when the pending flip's condition began to hold

    def beyond(self, value: float) -> bool:
        """Out of range (the alarm condition)."""
        lo, hi = self.limits.low, self.limits.high
        return (hi is not None and value > hi) or (lo is not None and value < lo)

    def back_inside(self, value: float) -> bool:
        """Inside the range by at least the hysteresis (the clear condition)."""
        lo, hi, h = self.limits.low, self.limits.high, self.limits.hysteresis
        return (hi is None or value <= hi - h) and (lo is None or value >= lo + h)

    def tick(self, at: float) -> list[SafetyChange]:
        """Time passed: a sensor without a valid reading for max_age becomes a fault."""
        if self.fault or at - self._last_valid < self.limits.max_age:
            return []
        self.fault, self._since = True, None
        zh = f"传感器 {self.sensor_id} 无读数（{at - self._last_valid:.0f} 秒）"
        en = f"sensor {self.sensor_id}: no reading for {at - self._last_valid:.0f} s"
        return [SafetyChange(self.sensor_id, at, "fault", None, zh, en)]

    def reading(self, value: float | None, at: float) -> list[SafetyChange]:
        """One sample; None, NaN or infinity count as no reading."""
        if value is None or not math.isfinite(value):
            return self.tick(at)
        out: list[SafetyChange] = []
        self._last_valid, self.last_value = at, value
        if self.fault:
            self.fault = False
            zh, en = f"传感器 {self.sensor_id} 读数恢复", f"sensor {self.sensor_id} reads again"
            out.append(SafetyChange(self.sensor_id, at, "fault_cleared", value, zh, en))
        flip = self.back_inside(value) if self.alarm else self.beyond(value)
        if not flip:
            self._since = None
            return out
        if self._since is None:
            self._since = at
        if at - self._since >= self.limits.min_duration:
            self.alarm, self._since = not self.alarm, None
            out.append(self._change(value, at))
        return out

    def _change(self, value: float, at: float) -> SafetyChange:
        if not self.alarm:
            zh, en = f"{self.sensor_id} 恢复正常（{value:g}）", f"{self.sensor_id} back to normal ({value:g})"
            return SafetyChange(self.sensor_id, at, "normal", value, zh, en)
        high = self.limits.high is not None and value > self.limits.high
        zh = f"{self.sensor_id} {'高于上限' if high else '低于下限'}（{value:g}）"
        en = f"{self.sensor_id} {'above high' if high else 'below low'} limit ({value:g})"
        return SafetyChange(self.sensor_id, at, "alarm", value, zh, en)


def to_events(change: SafetyChange, zone_id: str) -> list[sm.Event]:
    """The state machine events for a change of a sensor that feeds `zone_id` (a fire/safety zone)."""
    at = change.at
    events: dict[Change, sm.Event] = {
        "alarm": sm.ZoneOpened(zone_id=zone_id, at=at),
        "normal": sm.ZoneClosed(zone_id=zone_id, at=at),
        "fault": sm.LineFault(zone_id=zone_id, at=at, active=True),
        "fault_cleared": sm.LineFault(zone_id=zone_id, at=at, active=False),
    }
    return [events[change.change]]

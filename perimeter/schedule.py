"""Automatic arming by the clock (never disarming): which Arm events fall due in a time window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from perimeter import state_machine as sm
from perimeter.config import ScheduleConfig

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WHO = "schedule"


@dataclass(frozen=True, slots=True)
class ArmRule:
    """Arm `partition_id` at local `at` on the given weekdays (0 = Monday)."""

    partition_id: str
    weekdays: frozenset[int]
    at: time


def rules_from_config(items: list[ScheduleConfig]) -> list[ArmRule]:
    """Arm rules from the site file (its validation already refuses `disarm`)."""
    out = []
    for s in items:
        if s.action != "arm":  # defence in depth: the model refuses this too
            raise ValueError("{} / {}".format(*sm.REASONS["auto_disarm_forbidden"]))
        hh, mm = (int(x) for x in s.time.split(":"))
        out.append(ArmRule(s.partition, frozenset(DAYS.index(d) for d in s.days), time(hh, mm)))
    return out


def due(rules: list[ArmRule], since: float, until: float, tz: str = "Asia/Shanghai") -> list[sm.Arm]:
    """Arm events for every rule time t with since < t <= until, in time order (DST-safe via zoneinfo)."""
    zone = ZoneInfo(tz)
    start = datetime.fromtimestamp(since, zone).date() - timedelta(days=1)
    end = datetime.fromtimestamp(until, zone).date()
    events = []
    day = start
    while day <= end:
        for r in rules:
            ts = datetime.combine(day, r.at, zone).timestamp()
            if day.weekday() in r.weekdays and since < ts <= until:
                events.append(sm.Arm(partition_id=r.partition_id, at=ts, who=WHO, source=sm.Source.SCHEDULE))
        day += timedelta(days=1)
    return sorted(events, key=lambda e: (e.at, e.partition_id))


def auto_arm(machine: sm.AlarmMachine, event: sm.Arm) -> list[sm.Effect]:
    """Apply a scheduled arm; if refused, add a notification so the duty guard knows the site is not armed."""
    effects = machine.handle(event)
    for e in list(effects):
        if isinstance(e, sm.Rejected) and e.code != "already_armed":
            zh = f"定时布防失败（分区 {event.partition_id}）：{e.message_zh}"
            en = f"scheduled arming of {event.partition_id} failed: {e.message_en}"
            effects.append(sm.Notify("alarm", zh, en, e.at, None, event.partition_id))
    return effects

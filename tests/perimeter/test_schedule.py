"""Auto-arm by schedule is allowed; auto-disarm is refused everywhere, with a reason."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from perimeter import state_machine as sm
from perimeter.config import ScheduleConfig
from perimeter.schedule import auto_arm, due, rules_from_config

SH = ZoneInfo("Asia/Shanghai")


def ts(*args: int) -> float:
    return datetime(*args, tzinfo=SH).timestamp()  # type: ignore[misc]


RULES = rules_from_config(
    [
        ScheduleConfig(partition="P1", days=["mon", "tue", "wed", "thu", "fri"], time="22:00"),
        ScheduleConfig(partition="P2", days=["sat", "sun"], time="23:30"),
    ]
)


@pytest.mark.parametrize(
    ("since", "until", "expected"),
    [
        (ts(2026, 11, 20, 21, 0), ts(2026, 11, 20, 21, 59), []),  # Friday, before
        (
            ts(2026, 11, 20, 21, 0),
            ts(2026, 11, 20, 22, 0),
            [("P1", ts(2026, 11, 20, 22, 0))],
        ),  # inclusive end
        (ts(2026, 11, 20, 22, 0), ts(2026, 11, 20, 23, 0), []),  # exclusive start: not twice
        (ts(2026, 11, 21, 0, 0), ts(2026, 11, 22, 0, 0), [("P2", ts(2026, 11, 21, 23, 30))]),  # Saturday
        (
            ts(2026, 11, 22, 12, 0),
            ts(2026, 11, 24, 12, 0),
            [("P2", ts(2026, 11, 22, 23, 30)), ("P1", ts(2026, 11, 23, 22, 0))],
        ),
    ],
)
def test_due_window(since: float, until: float, expected: list[tuple[str, float]]) -> None:
    events = due(RULES, since, until)
    assert [(e.partition_id, e.at) for e in events] == expected
    assert all(e.source == sm.Source.SCHEDULE and e.who == "schedule" for e in events)


def test_schedule_with_disarm_is_refused_with_reason() -> None:
    with pytest.raises(ValidationError, match="不允许定时自动撤防"):
        ScheduleConfig(partition="P1", action="disarm", days=["mon"], time="07:00")


def test_machine_refuses_disarm_from_schedule(make_machine: Callable[..., sm.AlarmMachine]) -> None:
    m = make_machine()
    m.handle(sm.Arm(partition_id="P2", at=0, who="guard"))
    (rej,) = m.handle(sm.Disarm(partition_id="P2", at=1, who="schedule", source=sm.Source.SCHEDULE))
    assert isinstance(rej, sm.Rejected) and rej.code == "auto_disarm_forbidden"
    assert m.state("P2") == sm.PartitionState.ARMED


def test_auto_arm_arms(make_machine: Callable[..., sm.AlarmMachine]) -> None:
    m = make_machine()
    (event,) = due(RULES, ts(2026, 11, 20, 21, 0), ts(2026, 11, 20, 22, 1))
    effects = auto_arm(m, event)
    assert m.state("P1") == sm.PartitionState.ARMING
    (ch,) = effects
    assert isinstance(ch, sm.StateChanged) and "schedule" in ch.reason


def test_auto_arm_with_open_zone_fails_and_tells_the_guard(
    make_machine: Callable[..., sm.AlarmMachine],
) -> None:
    m = make_machine()
    m.handle(sm.ZoneOpened(zone_id="fence", at=ts(2026, 11, 20, 21, 0)))
    (event,) = due(RULES, ts(2026, 11, 20, 21, 0), ts(2026, 11, 20, 22, 1))
    effects = auto_arm(m, event)
    rej, note = effects
    assert isinstance(rej, sm.Rejected) and rej.code == "zone_open"
    assert isinstance(note, sm.Notify) and note.level == "alarm" and "定时布防失败" in note.message_zh
    assert "北围墙电子围栏" in note.message_zh
    assert m.state("P1") == sm.PartitionState.DISARMED


def test_auto_arm_when_already_armed_is_quiet(make_machine: Callable[..., sm.AlarmMachine]) -> None:
    m = make_machine()
    m.handle(sm.Arm(partition_id="P1", at=ts(2026, 11, 20, 20, 0), who="guard", source=sm.Source.KEYPAD))
    (event,) = due(RULES, ts(2026, 11, 20, 21, 0), ts(2026, 11, 20, 22, 1))
    exit_done, rej = auto_arm(m, event)  # the exit delay ended long before: that comes first
    assert isinstance(exit_done, sm.StateChanged) and exit_done.new == sm.PartitionState.ARMED
    assert isinstance(rej, sm.Rejected) and rej.code == "already_armed"

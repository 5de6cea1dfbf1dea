"""Fixtures for the perimeter tests: one small site and a way to put a partition into each state."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from perimeter import state_machine as sm

SITE_ZONES = [
    sm.ZoneSpec("door", "P1", sm.ZoneType.DELAY, "H1", "单元门磁", cameras=("c1",), outputs=("l1",)),
    sm.ZoneSpec("pir", "P1", sm.ZoneType.INSTANT, "H1", "大堂红外", cameras=("c3",)),
    sm.ZoneSpec("hall", "P1", sm.ZoneType.FOLLOWER, "H1", "走廊红外"),
    sm.ZoneSpec(
        "fence", "P1", sm.ZoneType.PERIMETER, "H1", "北围墙电子围栏", cameras=("c2",), outputs=("l2",)
    ),
    sm.ZoneSpec("beam", "P1", sm.ZoneType.INSTANT, "H1", "东侧红外对射", cameras=("c4",)),
    sm.ZoneSpec("panic", "P1", sm.ZoneType.H24, "H1", "值班室紧急按钮", cameras=("c1",)),
    sm.ZoneSpec("tamp", "P1", sm.ZoneType.TAMPER, "H1", "主机箱防拆"),
    sm.ZoneSpec("smoke", "P1", sm.ZoneType.FIRE, "H2", "配电房烟感"),
    sm.ZoneSpec("duress", "P2", sm.ZoneType.H24, "H2", "胁迫按钮", silent=True),
    sm.ZoneSpec("gate", "P2", sm.ZoneType.INSTANT, "H2", "车库门"),
]
SITE_PARTITIONS = [sm.PartitionSpec("P1", "一号分区", 30, 20), sm.PartitionSpec("P2", "车库", 0, 0)]

Maker = Callable[..., sm.AlarmMachine]


@pytest.fixture
def make_machine() -> Maker:
    """Build the reference site, optionally with other timing."""

    def make(timing: sm.Timing | None = None) -> sm.AlarmMachine:
        return sm.AlarmMachine(SITE_PARTITIONS, SITE_ZONES, timing or sm.Timing(180, 300, 86400))

    return make


def put_in_state(m: sm.AlarmMachine, state: sm.PartitionState) -> None:
    """Drive P1 into `state` using events up to t=96; every deadline then lies after t=100."""
    if state == sm.PartitionState.ARMING:
        m.handle(sm.Arm(partition_id="P1", at=90, who="guard"))
    elif state != sm.PartitionState.DISARMED:
        m.handle(sm.Arm(partition_id="P1", at=0, who="guard"))
        m.handle(sm.Tick(at=31))
        opened = {sm.PartitionState.PENDING: "door", sm.PartitionState.TRIGGERED: "beam"}.get(state)
        if opened:
            m.handle(sm.ZoneOpened(zone_id=opened, at=95))
            m.handle(sm.ZoneClosed(zone_id=opened, at=96))
    assert m.state("P1") == state


@pytest.fixture
def in_state(make_machine: Maker) -> Callable[[sm.PartitionState], sm.AlarmMachine]:
    """A fresh reference site with P1 in the given state."""

    def build(state: sm.PartitionState) -> sm.AlarmMachine:
        m = make_machine()
        put_in_state(m, state)
        return m

    return build


@pytest.fixture
def short() -> Callable[[sm.Effect], str]:
    """The table notation for an effect."""
    return short_name


def short_name(effect: sm.Effect) -> str:
    """A compact, readable name for an effect, as written in the tables."""
    match effect:
        case sm.StateChanged(new=new):
            return f"state>{new.value}"
        case sm.AlarmRaised(alarm=a):
            return f"raise:{a.kind.value}"
        case sm.Notify(level=level):
            return f"notify:{level}"
        case sm.SetOutputs(on=on):
            return "out+" if on else "out-"
        case sm.BypassChanged(active=active):
            return "bypass+" if active else "bypass-"
        case sm.Rejected(code=code):
            return f"reject:{code}"
    names = {
        sm.AlarmRepeated: "repeat",
        sm.AlarmResounded: "resound",
        sm.AlarmAcknowledged: "ack",
        sm.AlarmReset: "reset",
        sm.StartSiren: "siren+",
        sm.StopSiren: "siren-",
        sm.SnapshotCameras: "snap",
        sm.ReleaseEscapeDoors: "doors",
    }
    return names[type(effect)]

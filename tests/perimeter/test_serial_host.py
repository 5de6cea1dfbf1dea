"""Serial (SCAH/1 + Contact ID) alarm hosts: reports → events, heartbeat watchdog, and a run over a pty."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devices.faults import PtyLink
from devices.serial import AlarmHostMessage, AlarmHostSimulator
from devices.serial.contact_id import ContactIdEvent
from perimeter import state_machine as sm
from perimeter.config import SiteConfig, build_machine
from perimeter.poller import Poller, connect_serial_hosts
from perimeter.serial_host import SerialHostTracker


def evt(zone: int, kind: str) -> AlarmHostMessage:
    return AlarmHostMessage("zone", zone=zone, event=kind)


def cid(code: int, zone: int, qualifier: str = "1") -> AlarmHostMessage:
    c = ContactIdEvent("1234", "18", qualifier, code, 1, zone)
    return AlarmHostMessage("contact_id", zone=zone, event=c.name, contact_id=c)


def short(events: list[sm.Event]) -> list[str]:
    out = []
    for e in events:
        name = type(e).__name__
        if isinstance(e, sm.Tamper | sm.LineFault):
            name += "+" if e.active else "-"
        if isinstance(e, sm.HostPower):  # + healthy, - failing
            ok = e.mains_ok if e.mains_ok is not None else not e.battery_low
            name = ("mains" if e.mains_ok is not None else "batt") + ("+" if ok else "-")
        out.append(f"{name}:{getattr(e, 'zone_id', getattr(e, 'host_id', ''))}")
    return out


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        ([evt(3, "ALARM")], ["ZoneOpened:z3"]),
        ([evt(3, "ALARM"), evt(3, "RESTORE")], ["ZoneOpened:z3", "ZoneClosed:z3"]),
        ([evt(3, "TAMPER"), evt(3, "TAMPER")], ["Tamper+:z3"]),
        ([evt(3, "FAULT"), evt(3, "RESTORE")], ["LineFault+:z3", "ZoneClosed:z3", "LineFault-:z3"]),
        ([evt(0, "TAMPER")], ["ZoneOpened:box", "ZoneClosed:box"]),
        ([evt(9, "ALARM")], []),  # unmapped zone
        (
            [evt(0, "AC_LOSS"), evt(0, "AC_RESTORE"), evt(0, "LOW_BATT")],
            ["mains-:S1", "mains+:S1", "batt-:S1"],
        ),
        (
            [cid(301, 0), cid(301, 0, "3"), cid(302, 0), cid(309, 0, "3")],
            ["mains-:S1", "mains+:S1", "batt-:S1", "batt+:S1"],
        ),
        ([cid(131, 3), cid(131, 3, "3")], ["ZoneOpened:z3", "ZoneClosed:z3"]),
        ([cid(144, 3), cid(144, 3, "3")], ["Tamper+:z3", "Tamper-:z3"]),
        ([cid(380, 3)], ["LineFault+:z3"]),
        ([cid(137, 0)], ["ZoneOpened:box", "ZoneClosed:box"]),
        ([cid(602, 0), cid(131, 3, "6")], []),  # periodic test, status qualifier
        ([AlarmHostMessage("heartbeat", serial="AH-1")], []),
    ],
)
def test_messages_to_events(messages: list[AlarmHostMessage], expected: list[str]) -> None:
    t = SerialHostTracker("S1", {3: "z3"}, tamper_zone="box")
    events = [e for m in messages for e in t.message(m, 1.0)]
    assert short(events) == expected


def test_heartbeat_watchdog() -> None:
    t = SerialHostTracker("S1", {}, silent_after=90, started_at=0)
    assert t.tick(89) == []
    assert short(t.tick(90)) == ["HostSilent:S1"]
    assert t.tick(200) == []
    assert short(t.message(AlarmHostMessage("heartbeat", serial="x"), 201)) == ["HostBack:S1"]


@pytest.fixture
def serial_site() -> Iterator[tuple[AlarmHostSimulator, Poller, list]]:
    link = PtyLink()
    sim = AlarmHostSimulator(link.device_port)
    cfg = SiteConfig.model_validate(
        {
            "hosts": [
                {
                    "id": "S1",
                    "protocol": "scah",
                    "transport": "serial",
                    "serial_port": link.host_port,
                    "tamper_zone": "panel",
                    "silent_after": 60,
                }
            ],
            "partitions": [{"id": "P1", "exit_delay": 0}],
            "zones": [
                {"id": "beam-7", "partition": "P1", "type": "perimeter", "host": "S1", "input": 7},
                {"id": "panel", "partition": "P1", "type": "tamper"},
            ],
        }
    )
    clock = [0.0]
    poller = Poller(cfg, build_machine(cfg), {}, None, lambda: clock[0])
    clients = connect_serial_hosts(cfg, poller)
    yield sim, poller, clock
    for c in clients:
        c.close()
    sim.close()
    link.close()


def test_serial_host_run(serial_site: tuple[AlarmHostSimulator, Poller, list]) -> None:
    sim, poller, clock = serial_site
    poller.submit(sm.Arm(partition_id="P1", at=0, who="guard"))
    poller.poll_once()
    sim.trip(7)
    sim.restore(7)
    sim.tamper()
    assert sim.wait_idle(10)
    clock[0] = 1.0
    poller.poll_once()
    kinds = [(a.kind, a.zone_id) for a in poller.machine.alarms()]
    assert kinds == [(sm.AlarmKind.INTRUSION, "beam-7"), (sm.AlarmKind.TAMPER, "panel")]
    clock[0] = 100.0  # no heartbeat for 99 s
    effects = poller.poll_once()
    assert any(isinstance(e, sm.AlarmRaised) and e.alarm.host_id == "S1" for e in effects)
    sim.heartbeat()
    assert sim.wait_idle(10)
    poller.poll_once()
    assert poller.machine.host_online("S1")

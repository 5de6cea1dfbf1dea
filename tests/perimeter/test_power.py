"""Mains and battery of an alarm host: fault alarms (no siren) in every state, latched until reset, reset
refused while the cause lasts, restoration told to the duty guard; read from the host by the poller."""

from __future__ import annotations

from devices.modbus import PerimeterHostSimulator
from devices.net import free_port
from perimeter import state_machine as sm
from perimeter.config import SiteConfig, build_machine
from perimeter.poller import Poller, adapter_for
from tests.perimeter.conftest import Maker


def power(at: float, mains: bool | None = True, low: bool | None = False) -> sm.HostPower:
    return sm.HostPower(host_id="H1", at=at, mains_ok=mains, battery_low=low)


def raised(effects: list[sm.Effect]) -> list[sm.Alarm]:
    return [e.alarm for e in effects if isinstance(e, sm.AlarmRaised)]


def test_mains_loss_latches_a_silent_fault_until_back_and_reset(make_machine: Maker) -> None:
    m = make_machine()
    (alarm,) = raised(m.handle(power(10, mains=False)))
    assert (alarm.kind, alarm.cause, alarm.siren) == (sm.AlarmKind.FAULT, "mains", False)
    assert alarm.message_zh == "故障报警：报警主机 H1 市电断电"
    assert m.handle(power(11, mains=False)) == []  # the same report again is no new edge
    out = m.handle(sm.Reset(at=12, who="guard"))
    assert [e.code for e in out if isinstance(e, sm.Rejected)] == ["cause_present"]
    back = m.handle(power(20))
    assert [(n.level, n.message_zh) for n in back if isinstance(n, sm.Notify)] == [
        ("info", "报警主机 H1 市电恢复")
    ]
    assert [a.id for a in m.alarms()] == [alarm.id]  # latched: still there after the cause went away
    out = m.handle(sm.Reset(at=21, who="guard"))
    assert any(isinstance(e, sm.AlarmReset) for e in out) and m.alarms() == []


def test_battery_and_mains_are_separate_alarms_and_unknown_hosts_refused(make_machine: Maker) -> None:
    m = make_machine()
    assert [a.cause for a in raised(m.handle(power(10, mains=False, low=True)))] == ["mains", "battery"]
    m.handle(sm.Ack(at=11, who="guard"))
    m.handle(power(12, mains=True, low=True))
    again = raised(m.handle(power(13, mains=False, low=True)))  # acknowledged, then lost again: new alarm
    assert [a.cause for a in again] == ["mains"]
    out = m.handle(sm.HostPower(host_id="H9", at=14, mains_ok=False))
    assert [e.code for e in out if isinstance(e, sm.Rejected)] == ["unknown_host"]
    assert m.handle(sm.HostPower(host_id="H1", at=15)) == []  # a host that reports nothing changes nothing


def test_poller_reads_power_from_the_host() -> None:
    port = free_port()
    sim = PerimeterHostSimulator(4).start_tcp("127.0.0.1", port)
    try:
        cfg = SiteConfig.model_validate(
            {
                "hosts": [
                    {"id": "H1", "transport": "tcp", "host": "127.0.0.1", "port": port, "inputs": 4}
                    | {"power_status": True}
                ],
                "partitions": [{"id": "P1"}],
                "zones": [{"id": "z1", "partition": "P1", "type": "instant", "host": "H1", "input": 1}],
            }
        )
        poller = Poller(cfg, build_machine(cfg), {"H1": adapter_for(cfg.hosts[0], retries=0)})
        assert raised(poller.poll_once()) == []
        sim.power(mains_ok=False)
        assert [a.cause for a in raised(poller.poll_once())] == ["mains"]
        sim.power(mains_ok=True, battery_mv=11_000)
        out = poller.poll_once()
        assert [a.cause for a in raised(out)] == ["battery"]
        assert any(isinstance(e, sm.Notify) and e.message_en.endswith("mains power back") for e in out)
        poller.close()
    finally:
        sim.stop()

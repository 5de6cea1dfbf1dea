"""The poller against the devices/ Modbus perimeter host simulator: TCP, RTU with link faults, outages."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from devices.faults import PtyLink
from devices.modbus import PerimeterHostSimulator
from devices.net import free_port
from perimeter import state_machine as sm
from perimeter.config import SiteConfig, build_machine
from perimeter.linkage import Linkage
from perimeter.poller import Poller, adapter_for

ZONES = 16


class Clock:
    """Event time for the poller, advanced by the test (adapter timeouts stay real)."""

    def __init__(self) -> None:
        self.t = 1_000.0

    def __call__(self) -> float:
        return self.t


class Recorder:
    """In-memory linkage targets."""

    def __init__(self) -> None:
        self.relays: list[tuple[str, bool]] = []
        self.records: list[sm.Effect] = []
        self.snaps: list[str] = []

    def set(self, output_id: str, on: bool) -> None:
        self.relays.append((output_id, on))

    def record(self, effect: sm.Effect) -> None:
        self.records.append(effect)

    def attach_snapshot(self, alarm_id: int, camera_id: str, ref: str) -> None:
        self.snaps.append(ref)

    def snapshot(self, camera_id: str, *, alarm_id: int, at: float) -> str:
        return f"{camera_id}@{alarm_id}"

    def notify(self, note: sm.Notify) -> None:
        pass

    def release(self, door_ids: object, *, reason: str) -> None:
        pass


def site(link: dict) -> SiteConfig:
    zones = [
        {
            "id": f"z{i}",
            "partition": "P1",
            "type": "perimeter",
            "host": "H1",
            "input": i,
            "cameras": [f"cam{i}"],
        }
        for i in range(1, ZONES + 1)
    ]
    zones.append({"id": "box", "partition": "P1", "type": "tamper"})
    host = {"id": "H1", "inputs": ZONES, "timeout": 0.3, "silent_after": 5, "tamper_zone": "box", **link}
    return SiteConfig.model_validate(
        {
            "hosts": [host],
            "partitions": [{"id": "P1", "exit_delay": 0, "siren_outputs": ["siren"]}],
            "zones": zones,
        }
    )


def make(cfg: SiteConfig, clock: Clock, rec: Recorder) -> Poller:
    link = Linkage(
        snapshots=rec, relays=rec, sink=rec, notifier=rec, doors=rec, siren_outputs={"P1": ["siren"]}
    )
    adapter = adapter_for(cfg.hosts[0], retries=0)
    return Poller(cfg, build_machine(cfg), {"H1": adapter}, link, clock)


@pytest.fixture
def tcp() -> Iterator[tuple[PerimeterHostSimulator, SiteConfig]]:
    port = free_port()
    sim = PerimeterHostSimulator(ZONES).start_tcp("127.0.0.1", port)
    yield sim, site({"transport": "tcp", "host": "127.0.0.1", "port": port})
    sim.stop()


@pytest.fixture
def rtu() -> Iterator[tuple[PerimeterHostSimulator, SiteConfig, PtyLink]]:
    link = PtyLink()
    sim = PerimeterHostSimulator(ZONES).start_rtu(link.device_port, 19200)
    yield sim, site({"transport": "rtu", "serial_port": link.host_port, "baudrate": 19200}), link
    sim.stop()
    link.close()


def intrusion_counts(poller: Poller) -> dict[str, int]:
    return {a.zone_id or "": a.count for a in poller.machine.alarms() if a.kind == sm.AlarmKind.INTRUSION}


def test_short_trip_over_tcp_alarms_with_snapshot_and_siren(tcp: tuple) -> None:
    sim, cfg = tcp
    clock, rec = Clock(), Recorder()
    poller = make(cfg, clock, rec)
    assert poller.poll_once() == []
    poller.submit(sm.Arm(partition_id="P1", at=clock(), who="guard"))
    poller.poll_once()
    assert poller.machine.state("P1") == sm.PartitionState.ARMED
    sim.pulse(3)  # trips and restores between two polls
    clock.t += 0.2
    poller.poll_once()
    assert poller.machine.state("P1") == sm.PartitionState.TRIGGERED
    assert intrusion_counts(poller) == {"z3": 1}
    assert ("siren", True) in rec.relays and rec.snaps == ["cam3@1"]
    assert any(isinstance(e, sm.AlarmRaised) and e.alarm.zone_id == "z3" for e in rec.records)
    assert sim.model.latched[2] is False  # latch cleared after the alarm was recorded


def test_host_silent_30s_is_a_fault_and_trips_during_it_are_not_lost(tcp: tuple) -> None:
    sim, cfg = tcp
    clock, rec = Clock(), Recorder()
    poller = make(cfg, clock, rec)
    poller.poll_once()
    sim.go_silent()
    effects: list[sm.Effect] = []
    for _ in range(4):  # 30 s of outage in 10 s steps; every poll times out for real (0.3 s)
        clock.t += 10
        effects += poller.poll_once()
    sim.pulse(7)
    sim.pulse(9)
    sim.tamper()
    sim.tamper(False)
    faults = [e.alarm for e in effects if isinstance(e, sm.AlarmRaised)]
    assert [(a.kind, a.host_id) for a in faults] == [(sm.AlarmKind.FAULT, "H1")]
    poller.submit(sm.Arm(partition_id="P1", at=clock(), who="guard"))
    effects = poller.poll_once()
    assert any(isinstance(e, sm.Rejected) and e.code == "host_offline" for e in effects)
    sim.go_silent(False)
    clock.t += 10
    poller.submit(sm.Arm(partition_id="P1", at=clock(), who="guard"))
    effects = poller.poll_once()
    assert poller.machine.host_online("H1")
    kinds = {(a.kind, a.zone_id) for a in poller.machine.alarms()}
    assert (sm.AlarmKind.TAMPER, "box") in kinds  # the tamper pulse during the outage
    assert poller.machine.state("P1") == sm.PartitionState.ARMED
    sim.pulse(9)
    clock.t += 0.2
    poller.poll_once()
    assert intrusion_counts(poller) == {"z9": 1}


@pytest.mark.slow
def test_no_trip_missed_over_rtu_with_corrupt_and_dropped_frames(rtu: tuple) -> None:
    sim, cfg, link = rtu
    clock, rec = Clock(), Recorder()
    poller = make(cfg, clock, rec)
    poller.submit(sm.Arm(partition_id="P1", at=clock(), who="guard"))
    poller.poll_once()
    rng = random.Random(7)
    pulses: dict[str, int] = {}
    for cycle in range(40):
        for z in rng.sample(range(1, ZONES + 1), 2):  # each zone at most once per cycle
            sim.pulse(z)
            pulses[f"z{z}"] = pulses.get(f"z{z}", 0) + 1
        if cycle % 3 == 0:
            link.to_host.corrupt_next = 1  # CRC error on an answer
        if cycle % 5 == 1:
            link.to_device.drop_next = 1  # request lost
        clock.t += 0.2
        poller.poll_once()
    link.to_host.clear()
    link.to_device.clear()
    for _ in range(2):
        clock.t += 0.2
        poller.poll_once()
    assert link.to_host.corrupted > 0 and link.to_device.dropped > 0
    assert intrusion_counts(poller) == pulses  # every trip counted, none invented


def test_safety_sensor_read_over_modbus_alarms_after_min_duration(tcp: tuple) -> None:
    """Mains voltage (input register 1002 of the simulator) as a monitored value: 0 V for 2 s → alarm."""
    sim, cfg = tcp
    data = cfg.model_dump()
    data["zones"].append({"id": "mains", "partition": "P1", "type": "safety"})
    data["safety"] = [
        {
            "id": "v1",
            "kind": "current",
            "zone": "mains",
            "host": "H1",
            "input_register": 1002,
            "low": 180,
            "hysteresis": 10,
            "min_duration": 2,
            "max_age": 10,
        }
    ]
    cfg = SiteConfig.model_validate(data)
    clock, rec = Clock(), Recorder()
    poller = make(cfg, clock, rec)
    poller.poll_once()
    sim.power(mains_ok=False)
    kinds = []
    for _ in range(3):
        clock.t += 1
        kinds.append([e.alarm.kind for e in poller.poll_once() if isinstance(e, sm.AlarmRaised)])
    assert kinds == [[], [], [sm.AlarmKind.SAFETY]]
    assert poller.machine.siren_on("P1")

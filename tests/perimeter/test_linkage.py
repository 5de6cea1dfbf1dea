"""Linkage: effects become calls on snapshot/relay/sink/notifier/door interfaces (in-memory fakes)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from perimeter import state_machine as sm
from perimeter.linkage import Linkage


class Calls:
    """Every fake appends to one shared, ordered log."""

    def __init__(self) -> None:
        self.log: list[tuple] = []
        self.broken: set[str] = set()

    def _hit(self, *entry: object) -> None:
        if entry[0] in self.broken or (len(entry) > 1 and entry[1] in self.broken):
            raise OSError(f"{entry} is broken")
        self.log.append(entry)

    # SnapshotProvider
    def snapshot(self, camera_id: str, *, alarm_id: int, at: float) -> str:
        self._hit("snapshot", camera_id, alarm_id)
        return f"sha256:{camera_id}-{alarm_id}"

    # RelayOutputs
    def set(self, output_id: str, on: bool) -> None:
        self._hit("relay", output_id, on)

    # AlarmSink
    def record(self, effect: sm.Effect) -> None:
        self._hit("record", type(effect).__name__)

    def attach_snapshot(self, alarm_id: int, camera_id: str, ref: str) -> None:
        self._hit("attach", alarm_id, ref)

    # Notifier
    def notify(self, note: sm.Notify) -> None:
        self._hit("notify", note.level, note.message_zh)

    # EscapeDoors
    def release(self, door_ids: Sequence[str], *, reason: str) -> None:
        self._hit("doors", tuple(door_ids), reason)


def linkage(calls: Calls) -> Linkage:
    return Linkage(
        snapshots=calls,
        relays=calls,
        sink=calls,
        notifier=calls,
        doors=calls,
        siren_outputs={"P1": ["siren-1", "strobe-1"]},
        escape_doors=["east", "west"],
    )


def test_intrusion_alarm_drives_record_siren_lights_and_snapshots(
    make_machine: Callable[..., sm.AlarmMachine],
) -> None:
    m, calls = make_machine(), Calls()
    m.handle(sm.Arm(partition_id="P1", at=0, who="guard"))
    m.handle(sm.Tick(at=31))
    assert linkage(calls).apply(m.handle(sm.ZoneOpened(zone_id="fence", at=40))) == []
    assert calls.log == [
        ("record", "StateChanged"),
        ("record", "AlarmRaised"),
        ("notify", "alarm", "入侵报警：北围墙电子围栏"),
        ("relay", "l2", True),
        ("relay", "siren-1", True),
        ("relay", "strobe-1", True),
        ("snapshot", "c2", 1),
        ("attach", 1, "sha256:c2-1"),
    ]
    calls.log.clear()
    m.handle(sm.ZoneClosed(zone_id="fence", at=41))
    linkage(calls).apply(m.handle(sm.Reset(at=50, who="guard", partition_id="P1")))
    assert ("relay", "l2", False) in calls.log and ("relay", "siren-1", False) in calls.log
    assert ("record", "AlarmReset") in calls.log


def test_fire_releases_escape_doors(make_machine: Callable[..., sm.AlarmMachine]) -> None:
    m, calls = make_machine(), Calls()
    linkage(calls).apply(m.handle(sm.ZoneOpened(zone_id="smoke", at=5)))
    assert ("doors", ("east", "west"), "fire alarm 1") in calls.log


def test_one_broken_device_does_not_stop_the_others_and_is_reported(
    make_machine: Callable[..., sm.AlarmMachine],
) -> None:
    m, calls = make_machine(), Calls()
    calls.broken = {"siren-1", "c1"}
    failures = linkage(calls).apply(m.handle(sm.ZoneOpened(zone_id="panic", at=5)))
    assert {(f.what, f.target) for f in failures} == {("siren", "siren-1"), ("snapshot", "c1")}
    assert ("relay", "strobe-1", True) in calls.log
    assert ("record", "AlarmRaised") in calls.log
    reported = [e for e in calls.log if e[0] == "notify" and e[1] == "fault"]
    assert [r[2] for r in reported] == ["联动失败：siren siren-1", "联动失败：snapshot c1"]


def test_partition_without_siren_outputs_and_rejections_are_recorded(
    make_machine: Callable[..., sm.AlarmMachine],
) -> None:
    m, calls = make_machine(), Calls()
    linkage(calls).apply(m.handle(sm.Disarm(partition_id="P2", at=1, who="x", source=sm.Source.SCHEDULE)))
    assert calls.log == [("record", "Rejected")]
    calls.log.clear()
    m.handle(sm.Arm(partition_id="P2", at=2, who="x"))
    linkage(calls).apply(m.handle(sm.ZoneOpened(zone_id="gate", at=3)))
    assert not [e for e in calls.log if e[0] == "relay"]  # P2 has no siren configured

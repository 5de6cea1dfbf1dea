"""The gate process: duplicates are one pass, occupancy, events in EventIn's shape, staff decisions, captures."""

from __future__ import annotations

from pathlib import Path

from devices.bus import Command
from plate_gate.decision import Action
from plate_gate.loop_sensor import MemoryLoopSensor
from plate_gate.process import VehicleRead
from plate_gate.runtime import RecordingDriver, build_gate
from property_console.bus_bridge import to_ingest_payload as bridge_payload
from property_console.events.schemas import EventIn
from tests.plate_gate.gate_helpers import Clock, gate_config, make_lane, snapshot

RESIDENT = "皖A7B878"


def test_duplicate_reads_within_the_window_are_one_pass(tmp_path: Path) -> None:
    lane = make_lane(tmp_path, snapshot(vehicles=[{"plate": RESIDENT}]))
    first = lane.rt.process.handle(VehicleRead(RESIDENT, "blue", 0.9))
    lane.clock.advance(seconds=20)
    again = lane.rt.process.handle(VehicleRead(RESIDENT, "blue", 0.8))
    assert first.opened and not first.decision.duplicate
    assert again.decision.duplicate and again.opened and again.event_id is None
    assert [e.kind for e in lane.events] == ["vehicle_pass"]
    assert len(lane.rt.store.passes()) == 1
    lane.clock.advance(seconds=61)
    later = lane.rt.process.handle(VehicleRead(RESIDENT, "blue", 0.9))
    assert not later.decision.duplicate and len(lane.events) == 2
    lane.rt.stop()


def test_duplicate_suppression_survives_a_restart(tmp_path: Path) -> None:
    lane = make_lane(tmp_path, snapshot(vehicles=[{"plate": RESIDENT}]))
    lane.rt.process.handle(VehicleRead(RESIDENT))
    lane.rt.stop()
    again = make_lane(tmp_path, hub=lane.hub)  # same data dir: the lists and the last pass are on disk
    again.clock.advance(seconds=5)
    assert again.rt.process.handle(VehicleRead(RESIDENT)).decision.duplicate
    assert again.rt.store.vehicle(RESIDENT) is not None
    again.rt.stop()


def test_occupancy_refuses_temporary_vehicles_when_full(tmp_path: Path) -> None:
    fixed = [{"plate": "皖A00001", "fixed_space": True}]
    lane = make_lane(tmp_path, snapshot(capacity=3, fixed=1, vehicles=fixed))
    process = lane.rt.process
    assert process.handle(VehicleRead("皖A00001")).opened  # fixed space: does not use a shared one
    assert process.handle(VehicleRead("皖B11111")).decision.free_spaces == 2
    assert process.handle(VehicleRead("皖B22222")).opened
    full = process.handle(VehicleRead("皖B33333"))
    assert (full.decision.action, full.decision.reason) == (Action.REFUSE, "temporary.full")
    assert {e.kind for e in lane.events} == {"vehicle_pass", "vehicle_refused"}
    exit_lane = make_lane(tmp_path, hub=lane.hub, direction="exit", gate="GATE-N-0002")
    left = exit_lane.rt.process.handle(VehicleRead("皖B11111"))
    assert left.opened and left.decision.charge and left.decision.entered_at is not None
    lane.clock.advance(seconds=120)
    assert process.handle(VehicleRead("皖B33333")).opened  # a space came free
    lane.rt.stop()
    exit_lane.rt.stop()


def test_events_are_valid_console_events(tmp_path: Path) -> None:
    lane = make_lane(tmp_path, snapshot(blacklist=[{"plate": "皖C44444", "reason": "欠费"}]))
    image = (Path(__file__).parent / "data" / "皖A7B878.jpg").read_bytes()
    lane.rt.process.handle(VehicleRead("皖C44444", "blue", 0.9, 3, "camera", image))
    assert [e.kind for e in lane.events] == ["vehicle_refused", "alarm"]
    for event in lane.events:
        parsed = EventIn.model_validate(bridge_payload(event))
        assert parsed.subject == "皖C44444" and parsed.device_serial == "GATE-N-0001"
    refused = EventIn.model_validate(bridge_payload(lane.events[0]))
    assert refused.capture is not None and refused.capture.image()[0] == image
    assert refused.detail["direction"] == "in" and refused.detail["frames"] == 3
    alarm = EventIn.model_validate(bridge_payload(lane.events[1]))
    assert alarm.alarm is not None and alarm.alarm.severity == "high"
    assert lane.driver.switches == []  # refused: the barrier never moved
    assert lane.rt.store.passes()[0]["image"] is None  # the console has it: no copy on the gate
    assert not (tmp_path / "captures").exists()
    lane.rt.stop()


def test_captures_kept_on_the_gate_only_for_the_configured_days(tmp_path: Path) -> None:
    lane = make_lane(tmp_path, snapshot(), capture_days=1)
    image = (Path(__file__).parent / "data" / "皖A7B878.jpg").read_bytes()
    lane.rt.process.handle(VehicleRead("皖E66666", "blue", 0.9, 2, "camera", image))
    first = lane.rt.store.passes()[0]["image"]
    assert first is not None and Path(first).read_bytes() == image
    lane.clock.advance(seconds=30 * 3600)
    lane.rt.process.handle(VehicleRead("皖E77777", "blue", 0.9, 2, "camera", image))
    newest, oldest = lane.rt.store.passes()
    assert oldest["plate"] == "皖E66666" and oldest["image"] is None and not Path(first).exists()
    assert newest["image"] is not None and Path(newest["image"]).is_file()
    lane.rt.stop()


def test_a_lane_without_a_bus_keeps_its_captures(tmp_path: Path) -> None:
    rt = build_gate(gate_config(tmp_path), driver=RecordingDriver(), loop=MemoryLoopSensor(), clock=Clock())
    rt.barrier.stop()
    image = (Path(__file__).parent / "data" / "皖A7B878.jpg").read_bytes()
    rt.process.handle(VehicleRead("皖E66666", "blue", 0.9, 2, "camera", image))
    kept = rt.store.passes()[0]["image"]
    assert kept is not None and Path(kept).read_bytes() == image  # its only record
    rt.stop()


def test_staff_decision_opens_and_records_who(tmp_path: Path) -> None:
    lane = make_lane(tmp_path, snapshot(), rules={"temporary_policy": "staff"})
    waiting = lane.rt.process.handle(VehicleRead("皖D55555"))
    assert waiting.decision.action is Action.STAFF and lane.driver.switches == []
    assert lane.events[0].kind == "vehicle_pending"
    command = Command(
        name="barrier",
        args={"action": "open", "pending_event_id": str(waiting.event_id), "confirmed_by": "staff"},
    )
    ack = lane.rt.process.confirm(command)
    assert ack.ok and ack.result["opened"] is True
    assert lane.driver.switches == [(1, True)]
    assert lane.rt.store.presence("皖D55555", "P1") is not None
    passed = lane.events[-1]
    assert passed.kind == "vehicle_pass" and passed.data["detail"]["confirmed_by"] == "staff"
    assert lane.rt.store.passes()[0]["confirmed_by"] == "staff"
    bad = lane.rt.process.confirm(Command(name="barrier", args={"action": "dance"}))
    assert not bad.ok
    lane.rt.stop()

"""Helpers shared by the gate process tests: a lane on an in-process bus with a recording relay."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from devices.bus import Event, InProcessBus
from plate_gate.config import GateConfig
from plate_gate.loop_sensor import MemoryLoopSensor
from plate_gate.runtime import GateRuntime, RecordingDriver, build_gate
from plate_gate.snapshot import GateSnapshot

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


@dataclass
class Clock:
    """A clock the test moves by hand."""

    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


@dataclass
class Lane:
    """A built lane plus what the test watches: relay switches, loop, bus events, clock."""

    rt: GateRuntime
    driver: RecordingDriver
    loop: MemoryLoopSensor
    hub: InProcessBus
    clock: Clock
    events: list[Event] = field(default_factory=list)


def gate_config(data_dir: Path, **over: Any) -> GateConfig:
    """A lane config for tests (community C0001, the seeded north gate)."""
    base: dict[str, Any] = {
        "community": "C0001",
        "gate": "GATE-N-0001",
        "car_park": "P1",
        "capacity": 3,
        "data_dir": str(data_dir),
        "auto_close_s": 30,
    }
    return GateConfig.model_validate(base | over)


def snapshot(capacity: int = 3, fixed: int = 0, **lists: Any) -> GateSnapshot:
    """A sync snapshot for car park P1."""
    body = {
        "generated_at": T0.isoformat(),
        "car_park": {"id": "P1", "capacity": capacity, "fixed_spaces": fixed},
    }
    return GateSnapshot.model_validate(body | lists)


def make_lane(
    data_dir: Path, snap: GateSnapshot | None = None, hub: InProcessBus | None = None, **over: Any
) -> Lane:
    """Build a lane whose bus events are collected; the clock starts at T0."""
    hub = hub or InProcessBus()
    clock, driver, loop = Clock(), RecordingDriver(), MemoryLoopSensor()
    rt = build_gate(
        gate_config(data_dir, **over), transport=hub.connect(), driver=driver, loop=loop, clock=clock
    )
    rt.barrier.stop()  # tests call tick() themselves
    if snap is not None:
        rt.store.apply_snapshot(snap)
    lane = Lane(rt, driver, loop, hub, clock)
    hub.connect().subscribe("sc/C0001/+/event/#", lambda _t, p: lane.events.append(Event.from_bytes(p)))
    return lane

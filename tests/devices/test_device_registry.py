"""Device registry with an injected clock: offline after timeout, recovery, identity changes refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from devices.bus import Event
from devices.registry import DeviceRegistry, IdentityConflict, normalize_identity


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def setup() -> tuple[DeviceRegistry, Clock, list[Event]]:
    clock = Clock()
    events: list[Event] = []
    return DeviceRegistry(events.append, clock=clock), clock, events


def test_identity_normalisation() -> None:
    assert normalize_identity("AA-BB-CC-00-11-22") == "aa:bb:cc:00:11:22"
    assert normalize_identity("aabbcc001122") == "aa:bb:cc:00:11:22"
    assert normalize_identity(" ph-sim-1 ") == "PH-SIM-1"
    with pytest.raises(ValueError):
        normalize_identity("  ")


def test_default_timeout_offline_fault_then_recovery(
    setup: tuple[DeviceRegistry, Clock, list[Event]],
) -> None:
    registry, clock, events = setup
    registry.register("10.0.0.5:502", "PH-1", "perimeter_host")
    clock.advance(119)
    assert registry.check() == [] and events == []
    registry.heartbeat("10.0.0.5:502", "ph-1")
    clock.advance(120)
    assert registry.check() == []
    clock.advance(1)
    assert [r.identity for r in registry.check()] == ["PH-1"]
    assert registry.check() == []  # only one fault per outage
    assert [e.kind for e in events] == ["device_fault"]
    assert events[0].data["address"] == "10.0.0.5:502" and events[0].ts == clock.now
    clock.advance(30)
    registry.heartbeat("10.0.0.5:502", "PH-1")
    assert [e.kind for e in events] == ["device_fault", "device_recovered"]
    assert registry.get("10.0.0.5:502").online  # type: ignore[union-attr]


def test_per_device_timeout(setup: tuple[DeviceRegistry, Clock, list[Event]]) -> None:
    registry, clock, _events = setup
    registry.register("cam-a", "AA:BB:CC:DD:EE:01", "camera", timeout_s=10)
    registry.register("cam-b", "AA:BB:CC:DD:EE:02", "camera")
    clock.advance(11)
    assert [r.address for r in registry.check()] == ["cam-a"]


def test_identity_change_is_refused(setup: tuple[DeviceRegistry, Clock, list[Event]]) -> None:
    registry, clock, _events = setup
    registry.register("/dev/ttyUSB0#1", "PH-1", "perimeter_host")
    with pytest.raises(IdentityConflict):
        registry.heartbeat("/dev/ttyUSB0#1", "PH-2")
    with pytest.raises(IdentityConflict):
        registry.register("/dev/ttyUSB0#1", "PH-2", "perimeter_host")
    clock.advance(121)
    assert registry.check()  # the impostor's heartbeat did not count as a sign of life
    registry.replace("/dev/ttyUSB0#1", "PH-2")
    registry.heartbeat("/dev/ttyUSB0#1", "PH-2")
    assert registry.get("/dev/ttyUSB0#1").identity == "PH-2"  # type: ignore[union-attr]
    with pytest.raises(KeyError):
        registry.heartbeat("unknown", "X")

"""Loop safety: the arm is never lowered while the loop reports a vehicle or cannot be read."""

from __future__ import annotations

import pytest

from devices.relay import Relay
from plate_gate.barrier import Barrier, BarrierTiming
from plate_gate.loop_sensor import MemoryLoopSensor
from plate_gate.runtime import RecordingDriver


class Ticks:
    """A monotonic clock moved by hand."""

    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def _barrier(close_channel: int | None = None) -> tuple[Barrier, RecordingDriver, MemoryLoopSensor, Ticks]:
    driver, loop, ticks = RecordingDriver(), MemoryLoopSensor(), Ticks()
    close = Relay(driver, close_channel) if close_channel else None
    barrier = Barrier(
        Relay(driver, 1), loop, close_relay=close, timing=BarrierTiming(0.05, 10.0), clock=ticks
    )
    return barrier, driver, loop, ticks


def test_car_on_the_loop_keeps_the_arm_up_until_it_leaves() -> None:
    barrier, driver, loop, ticks = _barrier()
    barrier.open()
    assert driver.switches == [(1, True)]
    loop.car = True
    for _ in range(5):
        ticks.t += 60  # long past the automatic close delay
        assert barrier.tick() is False
    assert barrier.is_open and driver.switches == [(1, True)]
    loop.car = False
    assert barrier.tick() is True
    assert driver.switches == [(1, True), (1, False)]
    assert not barrier.is_open and barrier.held_for_car == 5


def test_no_car_closes_only_after_the_auto_close_delay() -> None:
    barrier, driver, _loop, ticks = _barrier()
    barrier.open()
    ticks.t += 9
    assert barrier.tick() is False
    ticks.t += 2
    assert barrier.tick() is True
    assert driver.switches[-1] == (1, False)


def test_unreadable_detector_keeps_the_arm_up(caplog: pytest.LogCaptureFixture) -> None:
    barrier, driver, loop, ticks = _barrier()
    barrier.open()
    loop.broken = True
    ticks.t += 60
    assert barrier.tick() is False and barrier.tick() is False
    assert barrier.sensor_fault and barrier.is_open
    assert sum("地感故障" in r.message for r in caplog.records) == 1  # logged once, not every poll
    loop.broken = False
    assert barrier.tick() is True and not barrier.sensor_fault
    assert driver.switches[-1] == (1, False)


def test_pulse_wiring_lowers_with_the_close_relay_only_when_clear() -> None:
    barrier, driver, loop, ticks = _barrier(close_channel=2)
    barrier.open()
    loop.car = True
    ticks.t += 60
    barrier.tick()
    assert (2, True) not in driver.switches
    loop.car = False
    barrier.tick()
    assert (2, True) in driver.switches
    on_open = [s for s in driver.switches if s[0] == 1]
    assert on_open[0] == (1, True)


def test_a_vehicle_arriving_after_a_close_is_not_lowered_on_when_reopened() -> None:
    barrier, driver, loop, ticks = _barrier()
    barrier.open()
    loop.car = True
    barrier.tick()
    loop.car = False
    barrier.tick()  # first car gone: closed
    barrier.open()  # next car decided at once
    loop.car = True
    ticks.t += 60
    assert barrier.tick() is False and barrier.is_open
    assert driver.switches == [(1, True), (1, False), (1, True)]

"""ModbusLoopSensor on one RS-485 line with the barrier relay board: silent, bad CRCs, back; no car missed."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from devices.modbus import ModbusAdapter, ModbusUnavailable, PerimeterHostModel
from devices.modbus.perimeter_sim import PerimeterDeviceContext
from devices.relay import ModbusCoilDriver, Relay
from devices.relay_sim import ModbusRelayBoardSimulator, RelayRecorder
from plate_gate.barrier import Barrier, BarrierTiming
from plate_gate.loop_sensor import ModbusLoopSensor
from tests.devices.modbus_rig import FaultRecorder, RtuBus, rtu_bus

RELAY_UNIT, LOOP_UNIT = 1, 2


@dataclass
class Lane:
    """A barrier whose relay board (unit 1) and loop detector module (unit 2) share one RS-485 port."""

    bus: RtuBus
    detector: PerimeterHostModel  # discrete input 0 = loop occupied
    board: RelayRecorder
    sensor: ModbusLoopSensor
    barrier: Barrier
    faults: FaultRecorder
    adapters: tuple[ModbusAdapter, ModbusAdapter]


@pytest.fixture
def lane() -> Iterator[Lane]:
    detector = PerimeterHostModel(2, serial="LOOP-1")
    board = ModbusRelayBoardSimulator(4)
    units = {RELAY_UNIT: board.server.units[1], LOOP_UNIT: PerimeterDeviceContext(detector)}
    with rtu_bus(units) as bus:
        relay_dev, loop_dev = bus.adapter(RELAY_UNIT), bus.adapter(LOOP_UNIT)
        faults = FaultRecorder()
        sensor = ModbusLoopSensor(loop_dev, 0, on_fault=faults.on_fault, on_restored=faults.on_restored)
        timing = BarrierTiming(pulse_s=0.05, auto_close_s=3600, poll_s=0.05)
        barrier = Barrier(Relay(ModbusCoilDriver(relay_dev), 1), sensor, timing=timing)  # hold wiring
        yield Lane(bus, detector, board.recorder, sensor, barrier, faults, (relay_dev, loop_dev))
        relay_dev.close()
        loop_dev.close()


def test_car_arriving_while_detector_is_silent_is_not_missed(lane: Lane) -> None:
    assert lane.adapters[0].line is lane.adapters[1].line  # relay and loop: one client on the port
    lane.barrier.open()
    assert lane.board.state[1] is True
    lane.bus.server.silence(LOOP_UNIT)
    assert lane.barrier.tick() is False  # unreadable: the arm stays up
    assert lane.faults.kinds() == ["unavailable"]
    lane.detector.trip(1)  # a car drives onto the loop during the outage
    assert lane.barrier.tick() is False
    assert lane.faults.kinds() == ["unavailable"]  # reported once per outage
    lane.bus.server.silence(LOOP_UNIT, False)
    assert lane.barrier.tick() is False  # back: the car is seen, the arm is held for it
    assert (lane.barrier.held_for_car, lane.faults.restored) == (1, 1)
    lane.detector.restore(1)  # the car has passed
    assert lane.barrier.tick() is True
    assert lane.board.state[1] is False
    assert len(lane.board.pulses) == 1


def test_bad_crcs_keep_the_arm_up_until_the_detector_reads_again(lane: Lane) -> None:
    lane.barrier.open()
    lane.detector.trip(1)
    assert lane.barrier.tick() is False and lane.barrier.held_for_car == 1
    lane.bus.corrupt_answers()
    lane.detector.restore(1)  # the car leaves while every answer is garbled
    assert lane.barrier.tick() is False
    assert lane.barrier.tick() is False
    assert lane.board.state[1] is True and lane.faults.kinds() == ["unavailable"]
    assert lane.bus.link.to_host.corrupted >= 2
    lane.bus.corrupt_answers(False)
    assert lane.barrier.tick() is True  # car seen before the outage, gone now: lowered at once
    assert lane.faults.restored == 1
    assert lane.board.state[1] is False


def test_sensor_raises_while_silent_and_reads_the_live_state_after(lane: Lane) -> None:
    lane.bus.server.silence(LOOP_UNIT)
    with pytest.raises(ModbusUnavailable):
        lane.sensor.occupied()
    lane.detector.trip(1)
    lane.bus.server.silence(LOOP_UNIT, False)
    assert lane.sensor.occupied() is True
    lane.detector.restore(1)
    assert lane.sensor.occupied() is False
    assert (lane.faults.kinds(), lane.faults.restored) == (["unavailable"], 1)


def test_active_low_detector_and_default_log_lines(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="devices.modbus.health")
    detector = PerimeterHostModel(2, serial="LOOP-2")
    with rtu_bus({3: PerimeterDeviceContext(detector)}) as bus:
        dev = bus.adapter(3)
        sensor = ModbusLoopSensor(dev, 0, active_high=False)
        assert sensor.occupied() is True  # input low = vehicle on an active-low detector
        bus.server.silence(3)
        for _ in range(2):
            with pytest.raises(ModbusUnavailable):
                sensor.occupied()
        bus.server.silence(3, False)
        detector.trip(1)
        assert sensor.occupied() is False
        dev.close()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "地感检测器 / loop detector" in warnings[0]
    assert any("地感检测器 / loop detector 恢复" in r.getMessage() for r in caplog.records)

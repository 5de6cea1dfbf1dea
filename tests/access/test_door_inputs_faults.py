"""The door's Modbus input module going silent, answering with bad CRCs and coming back (RTU over a pty)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from datetime import datetime

import pytest

from access.edge.inputs import FireSources, ModbusDoorInputs
from devices.modbus import PerimeterHostModel
from devices.modbus.perimeter_sim import PerimeterDeviceContext
from tests.access.door_rig import wait_for
from tests.devices.modbus_rig import FaultRecorder, RtuBus, rtu_bus

CONTACT, FIRE = 0, 1  # discrete inputs 0 and 1 = zones 1 and 2 of the simulated module


class Door:
    """What the door controller and the fire logic were told, in order."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.contacts: list[bool] = []
        self.fire: list[bool] = []

    def on_contact(self, is_open: bool, _mono: float, _at: datetime) -> None:
        with self.lock:
            self.contacts.append(is_open)

    def on_fire(self, on: bool, _at: datetime, _source: str, _reason: str) -> None:
        with self.lock:
            self.fire.append(on)


@pytest.fixture
def module() -> PerimeterHostModel:
    return PerimeterHostModel(4, serial="DOOR-IO-1")


@pytest.fixture
def bus(module: PerimeterHostModel) -> Iterator[RtuBus]:
    with rtu_bus({1: PerimeterDeviceContext(module)}) as b:
        yield b


def start(bus: RtuBus, door: Door, faults: FaultRecorder | None = None, **kw: int) -> ModbusDoorInputs:
    handlers = {"on_fault": faults.on_fault, "on_restored": faults.on_restored} if faults else {}
    return ModbusDoorInputs(
        bus.adapter(1),
        door.on_contact,
        kw.get("contact", CONTACT),
        FireSources(door.on_fire),
        FIRE,
        interval_s=0.05,
        **handlers,  # type: ignore[arg-type]
    ).start()


def polls_fail(inputs: ModbusDoorInputs, n: int = 3) -> bool:
    """Wait until `n` more requests went out on the line (the poller kept trying)."""
    line = inputs.adapter.line
    target = line.requests + n
    return wait_for(lambda: line.requests >= target)


def test_silence_then_bad_crcs_then_back_no_change_missed(bus: RtuBus, module: PerimeterHostModel) -> None:
    door, faults = Door(), FaultRecorder()
    inputs = start(bus, door, faults)
    try:
        assert wait_for(lambda: door.contacts == [False])
        module.trip(1)
        assert wait_for(lambda: door.contacts == [False, True])

        bus.server.silence(1)  # the module stops answering
        assert wait_for(lambda: faults.kinds() == ["unavailable"])
        module.restore(1)  # the door closes while nobody can see it
        assert polls_fail(inputs)
        assert door.contacts == [False, True] and faults.restored == 0
        bus.server.silence(1, False)
        assert wait_for(lambda: door.contacts == [False, True, False])
        assert wait_for(lambda: faults.restored == 1)

        bus.corrupt_answers()  # every answer with a bad CRC
        assert wait_for(lambda: faults.kinds() == ["unavailable", "unavailable"])
        module.trip(1)
        module.trip(2)  # fire input while the line is garbled
        assert polls_fail(inputs)
        assert door.contacts == [False, True, False] and door.fire == []
        bus.corrupt_answers(False)
        assert wait_for(lambda: door.contacts == [False, True, False, True])
        assert wait_for(lambda: door.fire == [True])
        assert wait_for(lambda: faults.restored == 2)
        assert bus.link.to_host.corrupted > 0
        assert inputs._thread.is_alive()
    finally:
        inputs.stop()
    assert len(faults.faults) == 2  # one report per outage, not one per failed poll


def test_wrong_address_is_a_device_error_and_polling_survives(bus: RtuBus) -> None:
    door, faults = Door(), FaultRecorder()
    inputs = start(bus, door, faults, contact=900)  # unmapped: the module answers exception 2
    try:
        assert wait_for(lambda: faults.kinds() == ["device_error"])
        assert polls_fail(inputs)
        assert inputs._thread.is_alive()
        assert faults.kinds() == ["device_error"] and door.contacts == []
    finally:
        inputs.stop()


def test_a_failing_handler_does_not_stop_polling(bus: RtuBus, module: PerimeterHostModel) -> None:
    door = Door()
    calls: list[bool] = []

    def on_contact(is_open: bool, mono: float, at: datetime) -> None:
        calls.append(is_open)
        if len(calls) == 1:
            raise RuntimeError("controller bug")
        door.on_contact(is_open, mono, at)

    inputs = ModbusDoorInputs(bus.adapter(1), on_contact, CONTACT, interval_s=0.05).start()
    try:
        assert wait_for(lambda: calls == [False])
        module.trip(1)
        assert wait_for(lambda: door.contacts == [True])
        assert inputs._thread.is_alive()
    finally:
        inputs.stop()


def test_default_reports_are_log_lines(
    bus: RtuBus, module: PerimeterHostModel, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="devices.modbus.health")
    door = Door()
    inputs = start(bus, door)
    try:
        assert wait_for(lambda: door.contacts == [False])
        bus.server.silence(1)
        assert wait_for(lambda: "读取失败" in caplog.text)
        bus.server.silence(1, False)
        assert wait_for(lambda: "恢复 / readable again" in caplog.text)
    finally:
        inputs.stop()
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "门磁输入模块 / door input module" in warnings[0].getMessage()


def test_stop_closes_the_line(bus: RtuBus) -> None:
    door = Door()
    inputs = start(bus, door)
    assert wait_for(lambda: door.contacts == [False])
    line = inputs.adapter.line
    inputs.stop()
    assert line.users == 0

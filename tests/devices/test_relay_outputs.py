"""Relay pulse/hold via Modbus coils (TCP and RTU) against the recording relay board simulator."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from devices.faults import PtyLink, TcpFaultProxy
from devices.modbus import ModbusAdapter, ModbusConfig, ModbusUnavailable
from devices.net import free_port
from devices.relay import ModbusCoilDriver, Relay
from devices.relay_sim import ModbusRelayBoardSimulator


def wait_until(cond: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


class FakeDriver:
    """Records calls; used only to check Relay's own timer logic."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, bool]] = []
        self.fail = False
        self.event = threading.Event()

    def set(self, channel: int, on: bool) -> None:
        if self.fail:
            raise ConnectionError("link down")
        self.calls.append((channel, on))
        if not on:
            self.event.set()


def test_pulse_restarts_and_hold_cancels() -> None:
    driver = FakeDriver()
    relay = Relay(driver, 1)
    relay.pulse(0.2)
    relay.pulse(0.05)
    assert driver.event.wait(2)
    assert driver.calls == [(1, True), (1, True), (1, False)] and not relay.is_on
    relay.pulse(0.05)
    relay.hold(True)
    time.sleep(0.15)
    assert driver.calls[-1] == (1, True) and relay.is_on
    with pytest.raises(ValueError):
        relay.pulse(0)


def test_modbus_tcp_relay_pulses_are_recorded() -> None:
    board = ModbusRelayBoardSimulator(4).start_tcp("127.0.0.1", free_port())
    proxy = TcpFaultProxy("127.0.0.1", board.server._server.comm_params.source_address[1])
    try:
        adapter = ModbusAdapter(
            ModbusConfig(transport="tcp", host="127.0.0.1", port=proxy.port, timeout=0.3, retries=0)
        )
        barrier = Relay(ModbusCoilDriver(adapter), 3, name="barrier")
        barrier.pulse(0.05)
        wait_until(lambda: len(board.recorder.pulses) == 1)
        assert board.recorder.pulses[0].channel == 3 and board.recorder.pulses[0].duration >= 0.04
        siren = Relay(ModbusCoilDriver(adapter), 1)
        siren.hold(True)
        assert adapter.read_coils(0, 4) == [True, False, False, False]
        proxy.down.drop_next = 1  # the write reaches the board but its answer is lost
        with pytest.raises(ModbusUnavailable):
            siren.hold(False)
        assert board.recorder.state[1] is False and siren.is_on  # no optimistic state
    finally:
        proxy.close()
        board.stop()


def test_modbus_rtu_relay_through_split_frames() -> None:
    link = PtyLink()
    board = ModbusRelayBoardSimulator(2).start_rtu(link.device_port)
    try:
        adapter = ModbusAdapter(
            ModbusConfig(transport="rtu", serial_port=link.host_port, timeout=0.5, retries=0)
        )
        link.to_device.split = 2
        Relay(ModbusCoilDriver(adapter), 2).pulse(0.05)
        wait_until(lambda: len(board.recorder.pulses) == 1)
        assert board.recorder.switches[0][1:] == (2, True)
        adapter.close()
    finally:
        board.stop()
        link.close()

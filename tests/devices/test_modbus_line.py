"""Two units on ONE RS-485 line (a pty pair): adapters share one client, take turns, and close it together."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from devices.faults import PtyLink
from devices.modbus import (
    LINES,
    ModbusAdapter,
    ModbusConfig,
    ModbusUnavailable,
    PerimeterHostModel,
    SimServer,
    decode_ascii,
)
from devices.modbus.perimeter_sim import PerimeterDeviceContext
from devices.net import free_port

SIREN = 100  # coil of the perimeter host model: an output we can write and read back


@dataclass
class Bus:
    """One simulated RTU bus with two perimeter hosts (units 1 and 2) behind one pty."""

    link: PtyLink
    server: SimServer
    one: PerimeterHostModel
    two: PerimeterHostModel


def open_fds(path: str) -> int:
    """How many descriptors of this process point at `path` (the pty link itself holds one)."""
    target = os.path.realpath(path)
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            count += os.path.realpath(f"/proc/self/fd/{fd}") == target
        except OSError:
            continue
    return count


@pytest.fixture
def bus() -> Iterator[Bus]:
    link = PtyLink()
    one = PerimeterHostModel(16, serial="UNIT-ONE")
    two = PerimeterHostModel(16, serial="UNIT-TWO")
    units = {1: PerimeterDeviceContext(one), 2: PerimeterDeviceContext(two)}
    server = SimServer(units=units).start_rtu(link.device_port, 9600)
    yield Bus(link, server, one, two)
    server.stop()
    link.close()


def adapter(bus: Bus, unit: int, **over: object) -> ModbusAdapter:
    cfg = {"transport": "rtu", "serial_port": bus.link.host_port, "timeout": 0.3, "retries": 0}
    return ModbusAdapter(ModbusConfig(**(cfg | {"unit_id": unit} | over)))


def test_two_units_share_one_client_and_are_addressed_per_request(bus: Bus) -> None:
    before = open_fds(bus.link.host_port)
    first, second = adapter(bus, 1), adapter(bus, 2)
    try:
        assert first.line is second.line
        assert decode_ascii(first.read_holding_registers(0, 8)) == "UNIT-ONE"
        assert decode_ascii(second.read_holding_registers(0, 8)) == "UNIT-TWO"
        bus.one.trip(3)
        assert first.read_discrete_inputs(0, 4) == [False, False, True, False]
        assert second.read_discrete_inputs(0, 4) == [False, False, False, False]
        second.write_coil(SIREN, True)
        assert (bus.one.coil(SIREN), bus.two.coil(SIREN)) == (False, True)
        assert open_fds(bus.link.host_port) - before == 1  # one open tty for both units
    finally:
        first.close()
        second.close()


def test_concurrent_pollers_and_outputs_do_not_interleave(bus: Bus) -> None:
    bus.one.trip(1)
    bus.two.trip(2)
    poller_one, poller_two, outputs_two = adapter(bus, 1), adapter(bus, 2), adapter(bus, 2)
    errors: list[BaseException] = []
    reads: dict[str, list[list[bool]]] = {"one": [], "two": []}

    def poll(name: str, dev: ModbusAdapter) -> None:
        try:
            for _ in range(25):
                reads[name].append(dev.read_discrete_inputs(0, 2))
        except BaseException as exc:  # recorded: the test asserts there were none
            errors.append(exc)

    def switch() -> None:
        try:
            for i in range(25):
                outputs_two.write_coil(SIREN, i % 2 == 0)
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=poll, args=("one", poller_one)),
        threading.Thread(target=poll, args=("two", poller_two)),
        threading.Thread(target=switch),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for dev in (poller_one, poller_two, outputs_two):
        dev.close()
    assert errors == []
    assert reads["one"] == [[True, False]] * 25
    assert reads["two"] == [[False, True]] * 25
    assert bus.two.coil(SIREN) is True  # the last write (i = 24) was "on"
    assert bus.one.coil(SIREN) is False  # no write for unit 2 reached unit 1


def test_one_silent_unit_does_not_take_the_other_down(bus: Bus) -> None:
    first, second = adapter(bus, 1), adapter(bus, 2)
    bus.server.silence(2)
    with pytest.raises(ModbusUnavailable):
        second.read_discrete_inputs(0, 1)
    assert first.read_input_registers(1005, 1) == [16]
    bus.server.silence(2, False)
    bus.two.trip(1)
    assert second.read_discrete_inputs(0, 1) == [True]
    first.close()
    second.close()


def test_last_close_closes_the_line_and_a_closed_adapter_rejoins(bus: Bus) -> None:
    before = open_fds(bus.link.host_port)
    first, second = adapter(bus, 1), adapter(bus, 2)
    first.read_coils(SIREN, 1)
    first.close()
    assert second.read_coils(SIREN, 1) == [False]  # the line stays open for the other unit
    assert [line.users for line in LINES.open_lines() if line is second.line] == [1]
    second.close()
    assert all(line.key[1] != os.path.realpath(bus.link.host_port) for line in LINES.open_lines())
    assert open_fds(bus.link.host_port) == before
    assert first.read_input_registers(1005, 1) == [16]  # used again: joins a fresh line
    first.close()
    assert open_fds(bus.link.host_port) == before


def test_other_framing_on_an_open_line_is_refused(bus: Bus) -> None:
    first = adapter(bus, 1)
    with pytest.raises(ValueError, match="19200"):
        adapter(bus, 2, baudrate=19200)
    assert first.line.users == 1
    first.close()


def test_tcp_gateway_units_share_one_connection() -> None:
    one, two = PerimeterHostModel(8, serial="GW-ONE"), PerimeterHostModel(8, serial="GW-TWO")
    port = free_port()
    server = SimServer(units={1: PerimeterDeviceContext(one), 5: PerimeterDeviceContext(two)})
    server.start_tcp("127.0.0.1", port)
    cfg = {"transport": "tcp", "host": "127.0.0.1", "port": port, "timeout": 0.5, "retries": 0}
    first = ModbusAdapter(ModbusConfig(**cfg, unit_id=1))
    fifth = ModbusAdapter(ModbusConfig(**cfg, unit_id=5))
    try:
        assert first.line is fifth.line
        assert decode_ascii(first.read_holding_registers(0, 8)) == "GW-ONE"
        assert decode_ascii(fifth.read_holding_registers(0, 8)) == "GW-TWO"
    finally:
        first.close()
        fifth.close()
        server.stop()

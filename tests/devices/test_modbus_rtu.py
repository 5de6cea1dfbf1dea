"""ModbusAdapter over RTU on a pseudo-terminal pair, with CRC corruption, drops, splits and a cut cable."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devices.faults import PtyLink
from devices.modbus import (
    ModbusAdapter,
    ModbusConfig,
    ModbusUnavailable,
    PerimeterHostSimulator,
    decode_ascii,
)


@pytest.fixture
def link() -> Iterator[PtyLink]:
    pty = PtyLink()
    yield pty
    pty.close()


@pytest.fixture
def sim(link: PtyLink) -> Iterator[PerimeterHostSimulator]:
    simulator = PerimeterHostSimulator(64, serial="PH-RTU-7").start_rtu(link.device_port, 9600)
    yield simulator
    simulator.stop()


@pytest.fixture
def host(link: PtyLink, sim: PerimeterHostSimulator) -> Iterator[ModbusAdapter]:
    cfg = ModbusConfig(transport="rtu", serial_port=link.host_port, baudrate=9600, timeout=0.3, retries=0)
    adapter = ModbusAdapter(cfg)
    yield adapter
    adapter.close()


def test_reads_and_writes_over_rtu(host: ModbusAdapter, sim: PerimeterHostSimulator) -> None:
    sim.trip(64)
    sim.pulse(10)
    assert host.read_discrete_inputs(0, 64)[63] is True
    assert host.read_discrete_inputs(1000 + 9, 1) == [True]
    assert host.read_input_registers(9, 1) == [1]
    assert decode_ascii(host.read_holding_registers(0, 8)) == "PH-RTU-7"
    host.write_coils(0, [True])
    assert host.read_discrete_inputs(1000, 64).count(True) == 1


def test_corrupted_crc_is_rejected_then_recovers(host: ModbusAdapter, link: PtyLink) -> None:
    link.to_host.corrupt_next = 1
    with pytest.raises(ModbusUnavailable):
        host.read_discrete_inputs(0, 16)
    assert link.to_host.corrupted == 1
    assert host.read_input_registers(1005, 1) == [64]


def test_corrupted_request_gets_no_answer(host: ModbusAdapter, link: PtyLink) -> None:
    link.to_device.corrupt_next = 1
    with pytest.raises(ModbusUnavailable):
        host.read_discrete_inputs(0, 16)
    assert host.read_input_registers(1005, 1) == [64]


def test_dropped_answer(host: ModbusAdapter, link: PtyLink) -> None:
    link.to_host.drop_next = 1
    with pytest.raises(ModbusUnavailable):
        host.read_coils(100, 1)
    assert host.read_coils(100, 1) == [False]


def test_split_frame_is_reassembled(host: ModbusAdapter, link: PtyLink, sim: PerimeterHostSimulator) -> None:
    link.to_host.split = 2
    link.to_host.split_gap = 0.001
    sim.trip(5)
    assert host.read_discrete_inputs(0, 8)[4] is True


def test_cut_cable_and_silent_device(host: ModbusAdapter, link: PtyLink, sim: PerimeterHostSimulator) -> None:
    link.cut = True
    with pytest.raises(ModbusUnavailable):
        host.read_discrete_inputs(0, 1)
    link.cut = False
    sim.go_silent()
    with pytest.raises(ModbusUnavailable):
        host.read_discrete_inputs(0, 1)
    sim.go_silent(False)
    sim.trip(1)
    assert host.read_discrete_inputs(0, 1) == [True]


def test_rs485_local_echo_is_discarded(link: PtyLink, sim: PerimeterHostSimulator) -> None:
    link.echo = True
    echoing = ModbusAdapter(
        ModbusConfig(
            transport="rtu", serial_port=link.host_port, timeout=0.3, retries=0, handle_local_echo=True
        )
    )
    sim.trip(3)
    assert echoing.read_discrete_inputs(0, 4) == [False, False, True, False]
    echoing.close()

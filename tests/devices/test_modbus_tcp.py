"""ModbusAdapter against the perimeter host simulator over loopback TCP, directly and through faults."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devices.faults import TcpFaultProxy
from devices.modbus import (
    ModbusAdapter,
    ModbusConfig,
    ModbusDeviceError,
    ModbusUnavailable,
    PerimeterHostSimulator,
)
from devices.net import free_port


@pytest.fixture
def sim() -> Iterator[PerimeterHostSimulator]:
    simulator = PerimeterHostSimulator(512, serial="PH-TCP-42", word_order="little").start_tcp(
        "127.0.0.1", free_port()
    )
    yield simulator
    simulator.stop()


@pytest.fixture
def proxy(sim: PerimeterHostSimulator) -> Iterator[TcpFaultProxy]:
    port = sim.server._server.comm_params.source_address[1]
    p = TcpFaultProxy("127.0.0.1", port)
    yield p
    p.close()


def adapter(port: int, **kw: object) -> ModbusAdapter:
    cfg = {"transport": "tcp", "host": "127.0.0.1", "port": port, "timeout": 0.3, "retries": 0, **kw}
    return ModbusAdapter(ModbusConfig(**cfg))  # type: ignore[arg-type]


def test_zone_states_latches_counters_and_identity(proxy: TcpFaultProxy, sim: PerimeterHostSimulator) -> None:
    host = adapter(proxy.port, word_order="little")
    sim.trip(3)
    sim.pulse(500)  # tripped and restored before the poll
    live = host.read_discrete_inputs(0, 512)
    latched = host.read_discrete_inputs(1000, 512)
    counters = host.read_input_registers(0, 512)
    assert [i for i, v in enumerate(live) if v] == [2]
    assert [i for i, v in enumerate(latched) if v] == [2, 499]
    assert counters[499] == 1 and counters[2] == 1 and sum(counters) == 2
    assert host.read_input_registers(1005, 1) == [512]
    assert host.read_value(1003, "u32", holding=False) < 3600  # little word order decodes a sane uptime
    from devices.modbus import decode_ascii

    assert decode_ascii(host.read_holding_registers(0, 8)) == "PH-TCP-42"


def test_clear_latches_and_status_bits(proxy: TcpFaultProxy, sim: PerimeterHostSimulator) -> None:
    host = adapter(proxy.port)
    sim.pulse(1)
    sim.trip(2)
    sim.tamper()
    sim.fault(4)
    sim.power(mains_ok=False, battery_mv=11_000)
    assert host.read_discrete_inputs(3000, 5) == [True, True, False, True, True]
    host.write_coil(0, True)
    assert host.read_discrete_inputs(1000, 3) == [False, True, False]  # latch := live state
    sim.pulse(1)
    host.write_coil(1000, True)  # per-zone clear
    assert host.read_discrete_inputs(1000, 1) == [False]
    host.write_coil(100, True)
    assert host.read_coils(100, 1) == [True] and sim.model.siren


def test_unmapped_address_is_a_device_error(proxy: TcpFaultProxy) -> None:
    with pytest.raises(ModbusDeviceError):
        adapter(proxy.port).read_discrete_inputs(600, 10)


def test_silent_device_times_out_then_recovers(proxy: TcpFaultProxy, sim: PerimeterHostSimulator) -> None:
    host = adapter(proxy.port)
    sim.go_silent()
    with pytest.raises(ModbusUnavailable):
        host.read_discrete_inputs(0, 8)
    sim.go_silent(False)
    sim.trip(1)
    assert host.read_discrete_inputs(0, 1) == [True]


def test_dropped_response(proxy: TcpFaultProxy, sim: PerimeterHostSimulator) -> None:
    host = adapter(proxy.port)
    host.read_coils(100, 1)
    proxy.down.drop_next = 1
    with pytest.raises(ModbusUnavailable):
        host.read_discrete_inputs(0, 8)
    sim.trip(8)
    assert host.read_discrete_inputs(0, 8)[7] is True


def test_delay_beyond_timeout_then_within(proxy: TcpFaultProxy) -> None:
    host = adapter(proxy.port)
    proxy.down.delay = 0.5
    with pytest.raises(ModbusUnavailable):
        host.read_discrete_inputs(0, 8)
    proxy.down.delay = 0.05
    fresh = adapter(proxy.port, timeout=1.0)
    assert fresh.read_input_registers(1005, 1) == [512]


def test_split_frames_are_reassembled(proxy: TcpFaultProxy, sim: PerimeterHostSimulator) -> None:
    proxy.down.split = 3
    proxy.up.split = 5
    sim.trip(200)
    host = adapter(proxy.port, timeout=2.0)
    assert host.read_discrete_inputs(0, 512)[199] is True
    assert len(host.read_input_registers(0, 300)) == 300


def test_disconnect_is_transient(proxy: TcpFaultProxy, sim: PerimeterHostSimulator) -> None:
    host = adapter(proxy.port)
    assert host.read_discrete_inputs(0, 1) == [False]
    proxy.disconnect()
    sim.trip(1)
    outcomes = []
    for _ in range(3):
        try:
            outcomes.append(host.read_discrete_inputs(0, 1))
            break
        except ModbusUnavailable:
            outcomes.append(None)
    assert outcomes[-1] == [True]

"""Modbus poll cycle for 512 zones: TCP (vs a raw-socket baseline) and RTU at 9600/115200 baud (vs wire time);
then two units on one line: one shared client vs one client per unit (the design before lines were shared).

Run: .venv/bin/python bench/bench_modbus.py
RTU runs over a pseudo-terminal pair whose relay paces bytes at 10 bits per byte (8N1), so the baud rate
is emulated, not a real UART; the theoretical wire time is computed from the exact frame sizes plus the
3.5-character silent interval before every frame.
"""

from __future__ import annotations

import logging
import socket
import statistics
import struct
import threading
import time

from devices.faults import PtyLink
from devices.modbus import (
    ModbusAdapter,
    ModbusConfig,
    ModbusLine,
    ModbusUnavailable,
    PerimeterHostModel,
    PerimeterHostSimulator,
    SimServer,
)
from devices.modbus.perimeter_sim import PerimeterDeviceContext
from devices.net import free_port

ZONES = 512
# (function, address, count) of one poll cycle: live, latched, counters (5 x <=125), status
CYCLE = [(2, 0, ZONES), (2, 1000, ZONES)]
CYCLE += [(4, a, min(125, ZONES - a)) for a in range(0, ZONES, 125)]
CYCLE += [(2, 3000, 5)]


def poll(adapter: ModbusAdapter) -> None:
    """One full cycle through our adapter."""
    for fc, address, count in CYCLE:
        if fc == 2:
            adapter.read_discrete_inputs(address, count)
        else:
            adapter.read_input_registers(address, count)


def poll_unit(line: ModbusLine, unit: int) -> None:
    """One full cycle for one unit straight on a line (every request of CYCLE fits one PDU)."""
    for fc, address, count in CYCLE:
        method = "read_discrete_inputs" if fc == 2 else "read_input_registers"
        line.call(unit, method, address, count=count)


def poll_units(lines: list[ModbusLine]) -> None:
    """Unit 1 through lines[0], then unit 2 through lines[1] (the same line, or one each)."""
    for unit, line in enumerate(lines, start=1):
        poll_unit(line, unit)


def two_unit_server() -> SimServer:
    units = {u: PerimeterDeviceContext(PerimeterHostModel(ZONES, serial=f"U{u}")) for u in (1, 2)}
    return SimServer(units=units)


def bench_two_units_tcp(runs: int = 50) -> None:
    """A TCP gateway with units 1 and 2: both polled through one connection vs one connection each."""
    port = free_port()
    server = two_unit_server().start_tcp("127.0.0.1", port)
    cfg = ModbusConfig(transport="tcp", host="127.0.0.1", port=port)
    shared, own = ModbusLine(cfg), [ModbusLine(cfg), ModbusLine(cfg)]
    poll_unit(shared, 1)
    for line, unit in zip(own, (1, 2), strict=True):
        poll_unit(line, unit)
    one = timed(lambda: poll_units([shared, shared]), runs)
    two = timed(lambda: poll_units(own), runs)
    for line in (shared, *own):
        line.disconnect()
    server.stop()
    m, p = stats(one)
    bm, bp = stats(two)
    print(f"TCP 2 units  shared line: median {m * 1e3:7.2f} ms  p95 {p * 1e3:7.2f} ms")
    print(
        f"TCP 2 units  one client per unit (baseline): median {bm * 1e3:7.2f} ms  p95 {bp * 1e3:7.2f} ms  "
        f"ratio {m / bm:.2f}x"
    )


def bench_two_units_rtu(baud: int = 115200, runs: int = 10) -> None:
    """Units 1 and 2 on one RS-485 pty: one shared client vs two clients on the same tty, two pollers."""
    link = PtyLink(baudrate=baud)
    server = two_unit_server().start_rtu(link.device_port, baud)
    cfg = ModbusConfig(transport="rtu", serial_port=link.host_port, baudrate=baud, timeout=1, retries=0)
    shared = ModbusLine(cfg)
    poll_unit(shared, 1)
    samples = timed(lambda: poll_units([shared, shared]), runs)
    shared.disconnect()
    failed = [0, 0]
    own = [ModbusLine(cfg), ModbusLine(cfg)]
    logging.getLogger("pymodbus").setLevel(logging.CRITICAL)  # the baseline fails loudly: count, not print

    def poller(i: int) -> None:
        for _ in range(runs):
            try:
                poll_unit(own[i], i + 1)
            except ModbusUnavailable:
                failed[i] += 1

    threads = [threading.Thread(target=poller, args=(i,)) for i in (0, 1)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.perf_counter() - t0
    for line in own:
        line.disconnect()
    server.stop()
    link.close()
    m, p = stats(samples)
    wire = 2 * rtu_wire_seconds(baud)
    print(
        f"RTU {baud} 2 units shared line: median {m * 1e3:7.1f} ms  p95 {p * 1e3:7.1f} ms  "
        f"wire time {wire * 1e3:7.1f} ms  ratio {m / wire:.2f}x  failed cycles 0/{2 * runs}"
    )
    print(
        f"RTU {baud} 2 units, two clients on one tty (baseline, the old design): "
        f"{took / runs * 1e3:7.1f} ms per round  failed cycles {sum(failed)}/{2 * runs}"
    )


def rtu_wire_seconds(baud: int) -> float:
    """Bytes on the wire for one cycle at 10 bits/byte, plus 3.5 chars of silence before each frame."""
    total = 0.0
    for fc, _address, count in CYCLE:
        request = 8
        data = (count + 7) // 8 if fc == 2 else count * 2
        response = 3 + data + 2
        total += request + response + 2 * 3.5
    return total * 10 / baud


def raw_tcp_cycle(sock: socket.socket, tid: list[int]) -> None:
    """The same requests hand-built on a plain socket: the floor for Modbus TCP on this machine."""
    for fc, address, count in CYCLE:
        tid[0] = (tid[0] + 1) & 0xFFFF
        sock.sendall(struct.pack(">HHHBBHH", tid[0], 0, 6, 1, fc, address, count))
        header = _recv(sock, 7)
        _recv(sock, struct.unpack(">H", header[4:6])[0] - 1)


def _recv(sock: socket.socket, n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("closed")
        buf += chunk
    return buf


def timed(fn: object, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        out.append(time.perf_counter() - t0)
    return out


def stats(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def main() -> None:
    print(f"Modbus poll cycle, {ZONES} zones = {len(CYCLE)} requests per cycle")
    port = free_port()
    sim = PerimeterHostSimulator(ZONES).start_tcp("127.0.0.1", port)
    adapter = ModbusAdapter(ModbusConfig(transport="tcp", host="127.0.0.1", port=port))
    poll(adapter)
    ours = timed(lambda: poll(adapter), 100)
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        tid = [0]
        raw = timed(lambda: raw_tcp_cycle(sock, tid), 100)
    adapter.close()
    sim.stop()
    m, p = stats(ours)
    rm, rp = stats(raw)
    print(f"TCP loopback  adapter: median {m * 1e3:7.2f} ms  p95 {p * 1e3:7.2f} ms")
    print(
        f"TCP loopback  raw socket baseline: median {rm * 1e3:7.2f} ms  p95 {rp * 1e3:7.2f} ms  "
        f"ratio {m / rm:.2f}x"
    )
    for baud, runs in ((115200, 20), (9600, 5)):
        link = PtyLink(baudrate=baud)
        sim = PerimeterHostSimulator(ZONES).start_rtu(link.device_port, baud)
        cfg = ModbusConfig(transport="rtu", serial_port=link.host_port, baudrate=baud, timeout=3)
        adapter = ModbusAdapter(cfg)
        poll(adapter)
        samples = timed(lambda a=adapter: poll(a), runs)
        adapter.close()
        sim.stop()
        link.close()
        m, p = stats(samples)
        wire = rtu_wire_seconds(baud)
        print(
            f"RTU {baud:>6} baud: median {m * 1e3:8.1f} ms  p95 {p * 1e3:8.1f} ms  "
            f"wire time {wire * 1e3:8.1f} ms  ratio {m / wire:.2f}x  (n={runs})"
        )
    bench_two_units_tcp()
    bench_two_units_rtu()


if __name__ == "__main__":
    main()

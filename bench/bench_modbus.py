"""Modbus poll cycle for 512 zones: TCP (vs a raw-socket baseline) and RTU at 9600/115200 baud (vs wire time).

Run: .venv/bin/python bench/bench_modbus.py
RTU runs over a pseudo-terminal pair whose relay paces bytes at 10 bits per byte (8N1), so the baud rate
is emulated, not a real UART; the theoretical wire time is computed from the exact frame sizes plus the
3.5-character silent interval before every frame.
"""

from __future__ import annotations

import socket
import statistics
import struct
import time

from devices.faults import PtyLink
from devices.modbus import ModbusAdapter, ModbusConfig, PerimeterHostSimulator
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
        samples = timed(lambda a=adapter: poll(a), runs)  # type: ignore[misc]
        adapter.close()
        sim.stop()
        link.close()
        m, p = stats(samples)
        wire = rtu_wire_seconds(baud)
        print(
            f"RTU {baud:>6} baud: median {m * 1e3:8.1f} ms  p95 {p * 1e3:8.1f} ms  "
            f"wire time {wire * 1e3:8.1f} ms  ratio {m / wire:.2f}x  (n={runs})"
        )


if __name__ == "__main__":
    main()

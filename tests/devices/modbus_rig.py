"""Simulated RS-485 buses for tests: units behind one pty pair (`PtyLink`), plus a fault/recovery recorder."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from devices.faults import PtyLink
from devices.modbus import ModbusAdapter, ModbusConfig, SimServer


@dataclass
class RtuBus:
    """The pty link (fault hooks) and the simulator server answering for every unit on it."""

    link: PtyLink
    server: SimServer

    def adapter(self, unit_id: int = 1, timeout: float = 0.2) -> ModbusAdapter:
        """An adapter for one unit, as an edge service builds it from its config."""
        cfg = ModbusConfig(
            transport="rtu", serial_port=self.link.host_port, unit_id=unit_id, timeout=timeout, retries=0
        )
        return ModbusAdapter(cfg)

    def corrupt_answers(self, on: bool = True) -> None:
        """Every answer arrives with a bad CRC (or, with False, clean again)."""
        if on:
            self.link.to_host.corrupt_next = 10**9
        else:
            self.link.to_host.clear()


@contextmanager
def rtu_bus(units: dict[int, Any]) -> Iterator[RtuBus]:
    """Device contexts by unit id on one simulated RTU line (9600 baud)."""
    link = PtyLink()
    server = SimServer(units=units).start_rtu(link.device_port, 9600)
    try:
        yield RtuBus(link, server)
    finally:
        server.stop()
        link.close()


@dataclass
class FaultRecorder:
    """Collects on_fault(kind, detail) / on_restored() calls from any thread."""

    faults: list[tuple[str, str]] = field(default_factory=list)
    restored: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def on_fault(self, kind: str, detail: str) -> None:
        with self.lock:
            self.faults.append((kind, detail))

    def on_restored(self) -> None:
        with self.lock:
            self.restored += 1

    def kinds(self) -> list[str]:
        with self.lock:
            return [kind for kind, _ in self.faults]

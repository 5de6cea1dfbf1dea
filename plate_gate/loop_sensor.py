"""Vehicle presence under the barrier (induction loop or radar): Modbus discrete input or in-memory."""

from __future__ import annotations

import threading
from typing import Protocol

from devices.modbus import ModbusAdapter


class LoopSensor(Protocol):
    """True while a vehicle is on the loop; raises (ConnectionError…) when the detector cannot be read."""

    def occupied(self) -> bool:
        """Current loop state."""
        ...


class ModbusLoopSensor:
    """A loop/radar detector wired to a discrete input of a Modbus I/O module (through devices.modbus)."""

    def __init__(self, adapter: ModbusAdapter, address: int = 0, *, active_high: bool = True) -> None:
        self.adapter = adapter
        self.address = address
        self.active_high = active_high

    def occupied(self) -> bool:
        """Read the input (FC2); ModbusUnavailable propagates so the barrier stays up."""
        (bit,) = self.adapter.read_discrete_inputs(self.address, 1)
        return bool(bit) is self.active_high


class MemoryLoopSensor:
    """A loop for simulators and tests: set ``car`` to place a vehicle, ``broken`` to fail reads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.car = False
        self.broken = False
        self.reads = 0

    def occupied(self) -> bool:
        """The simulated state; ConnectionError while broken."""
        with self._lock:
            self.reads += 1
            if self.broken:
                raise ConnectionError("loop detector not answering / 地感无响应")
            return self.car

"""Vehicle presence under the barrier (induction loop or radar): Modbus discrete input or in-memory."""

from __future__ import annotations

import threading
from typing import Protocol

from devices.modbus import DeviceHealth, ModbusAdapter
from devices.modbus.health import FaultHandler, RestoredHandler


class LoopSensor(Protocol):
    """True while a vehicle is on the loop; raises (ConnectionError…) when the detector cannot be read."""

    def occupied(self) -> bool:
        """Current loop state."""
        ...


class ModbusLoopSensor:
    """A loop/radar detector wired to a discrete input of a Modbus I/O module (through devices.modbus).

    A detector that stops answering (or answers with bad CRCs) is reported once through `on_fault(kind,
    detail)` and once through `on_restored()` when it reads again (default: a log line each); the read
    error still propagates so the barrier stays up.
    """

    def __init__(
        self,
        adapter: ModbusAdapter,
        address: int = 0,
        *,
        active_high: bool = True,
        on_fault: FaultHandler | None = None,
        on_restored: RestoredHandler | None = None,
    ) -> None:
        self.adapter = adapter
        self.address = address
        self.active_high = active_high
        self.health = DeviceHealth("地感检测器 / loop detector", on_fault, on_restored)

    def occupied(self) -> bool:
        """Read the input (FC2); ModbusUnavailable / ModbusDeviceError propagate so the barrier stays up."""
        try:
            (bit,) = self.adapter.read_discrete_inputs(self.address, 1)
        except (ConnectionError, RuntimeError) as exc:
            self.health.failed(exc)
            raise
        self.health.ok()
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

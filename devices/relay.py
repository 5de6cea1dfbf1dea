"""Relay outputs (lock, barrier, siren, light): pulse and hold via Modbus coils or a serial relay board."""

from __future__ import annotations

import logging
import threading
from typing import Protocol

from devices.modbus.adapter import ModbusAdapter
from devices.serial.port import open_port
from devices.serial.relay_codec import RelayFrame, encode_relay

log = logging.getLogger(__name__)


class RelayDriver(Protocol):
    """Switches one channel (numbered from 1); raises on a transport failure."""

    def set(self, channel: int, on: bool) -> None:
        """Energise or release the channel."""
        ...


class ModbusCoilDriver:
    """Channel n is coil `first_coil + n - 1` on a Modbus device."""

    def __init__(self, adapter: ModbusAdapter, first_coil: int = 0) -> None:
        self.adapter = adapter
        self.first_coil = first_coil

    def set(self, channel: int, on: bool) -> None:
        """Write the coil (FC5)."""
        self.adapter.write_coil(self.first_coil + channel - 1, on)


class SerialBoardDriver:
    """LCUS-style serial relay board (`A0 ch state sum`)."""

    def __init__(self, path: str, baudrate: int = 9600) -> None:
        self._port = open_port(path, baudrate)
        self._lock = threading.Lock()

    def set(self, channel: int, on: bool) -> None:
        """Send one frame (the board does not answer)."""
        with self._lock:
            self._port.write(encode_relay(RelayFrame(channel, on)))
            self._port.flush()

    def close(self) -> None:
        """Close the port."""
        self._port.close()


class Relay:
    """One output. `pulse(s)` energises then releases after s seconds (a new pulse restarts the timer)."""

    def __init__(self, driver: RelayDriver, channel: int, *, name: str = "") -> None:
        self.driver = driver
        self.channel = channel
        self.name = name or f"relay-{channel}"
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self.is_on = False

    def hold(self, on: bool = True) -> None:
        """Switch and stay (cancels a running pulse)."""
        with self._lock:
            self._cancel()
            self._set(on)

    def pulse(self, seconds: float) -> None:
        """Energise now, release after `seconds` (non-blocking)."""
        if seconds <= 0:
            raise ValueError("pulse length must be positive")
        with self._lock:
            self._cancel()
            self._set(True)
            self._timer = threading.Timer(seconds, self._release)
            self._timer.daemon = True
            self._timer.start()

    def _release(self) -> None:
        with self._lock:
            self._timer = None
            try:
                self._set(False)
            except Exception:
                log.exception("%s: release after pulse failed / 继电器释放失败", self.name)

    def _cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _set(self, on: bool) -> None:
        self.driver.set(self.channel, on)
        self.is_on = on

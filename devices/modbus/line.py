"""Modbus lines: one pymodbus client per serial port or TCP endpoint, shared by every unit on it.

An RS-485 bus is one tty however many units hang on it, and a Modbus TCP gateway is one endpoint: two
clients on one tty interleave their frames and both fail. `LINES.acquire(config)` hands every adapter the
line for its port (reference-counted; the last `release` closes it); the unit id goes with each request and
a lock keeps one request on the wire at a time. The link settings (baud rate, parity, stop bits, echo)
belong to the line: a device asking for other settings on an open line is a configuration error.
Timeout and retries are the line's too, taken from the first device that opened it.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

from pymodbus.client import ModbusSerialClient, ModbusTcpClient
from pymodbus.exceptions import ModbusException

from devices.modbus.config import ModbusConfig

log = logging.getLogger(__name__)
LineKey = tuple[str, str, int]
FRAMING = ("baudrate", "parity", "stopbits", "handle_local_echo")


class ModbusUnavailable(ConnectionError):
    """No (valid) answer: timeout, lost link, CRC errors. Transient: retry on the next poll."""


def line_key(c: ModbusConfig) -> LineKey:
    """("tcp", host, port) or ("rtu", resolved tty path, 0): symlinks such as /dev/serial/by-id/… count once."""
    if c.transport == "tcp":
        return ("tcp", c.host or "", c.port)
    return ("rtu", os.path.realpath(c.serial_port or ""), 0)


def _make_client(c: ModbusConfig) -> Any:
    common: dict[str, Any] = {"timeout": c.timeout, "retries": c.retries, "reconnect_delay": 0.1}
    if c.transport == "tcp":
        return ModbusTcpClient(c.host or "", port=c.port, reconnect_delay_max=2, **common)
    serial: dict[str, Any] = {"baudrate": c.baudrate, "parity": c.parity, "stopbits": c.stopbits}
    return ModbusSerialClient(c.serial_port or "", handle_local_echo=c.handle_local_echo, **serial, **common)


class ModbusLine:
    """One client, one lock, the units behind it addressed per request."""

    def __init__(self, config: ModbusConfig) -> None:
        self.config = config
        self.key = line_key(config)
        self.users = 0
        self.requests = 0
        self._lock = threading.Lock()
        self._client: Any = _make_client(config)

    def where(self) -> str:
        """The line for log lines and errors."""
        c = self.config
        return f"modbus {c.host}:{c.port}" if c.transport == "tcp" else f"modbus {c.serial_port}@{c.baudrate}"

    def check(self, config: ModbusConfig) -> None:
        """Refuse a device whose link settings differ from the line's (one RS-485 bus has one framing)."""
        if config.transport == "rtu":
            theirs = {f: getattr(config, f) for f in FRAMING}
            ours = {f: getattr(self.config, f) for f in FRAMING}
            if theirs != ours:
                raise ValueError(
                    f"串口 {config.serial_port} 已按 {ours} 打开,设备 {config.unit_id} 要求 {theirs} / "
                    f"{self.where()} is open with {ours}; unit {config.unit_id} asks for {theirs}"
                )
        if (config.timeout, config.retries) != (self.config.timeout, self.config.retries):
            log.info(
                "%s keeps timeout %.2f s, retries %d of its first device (unit %d asked %.2f s, %d)",
                self.where(),
                self.config.timeout,
                self.config.retries,
                config.unit_id,
                config.timeout,
                config.retries,
            )

    def call(self, unit_id: int, method: str, *args: Any, **kw: Any) -> Any:
        """One request to `unit_id`; a failed exchange closes the client (reopened on the next request)."""
        with self._lock:
            self.requests += 1
            try:
                if not self._client.connected and not self._client.connect():
                    raise ModbusUnavailable(f"cannot open {self.where()}")
                return getattr(self._client, method)(*args, device_id=unit_id, **kw)
            except (ModbusException, OSError) as exc:
                self._client.close()
                raise ModbusUnavailable(f"{self.where()} unit {unit_id}: {exc}") from exc

    def disconnect(self) -> None:
        """Close the client now (it reopens on the next request)."""
        with self._lock:
            self._client.close()


class LineRegistry:
    """The open lines of this process, by `line_key`; reference-counted by the adapters using them."""

    def __init__(self) -> None:
        self._lines: dict[LineKey, ModbusLine] = {}
        self._lock = threading.Lock()

    def acquire(self, config: ModbusConfig) -> ModbusLine:
        """The line for this device's port or endpoint, opened on first use."""
        key = line_key(config)
        with self._lock:
            line = self._lines.get(key)
            if line is None:
                line = self._lines[key] = ModbusLine(config)
            else:
                line.check(config)
            line.users += 1
            return line

    def release(self, line: ModbusLine) -> None:
        """One user fewer; the last one closes the line."""
        with self._lock:
            line.users -= 1
            if line.users > 0:
                return
            if self._lines.get(line.key) is line:
                del self._lines[line.key]
        line.disconnect()

    def open_lines(self) -> list[ModbusLine]:
        """The lines in use now (diagnostics, tests)."""
        with self._lock:
            return list(self._lines.values())


LINES = LineRegistry()

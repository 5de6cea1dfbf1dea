"""Opening serial ports with pyserial (real devices or pseudo-terminals)."""

from __future__ import annotations

import serial


def open_port(path: str, baudrate: int = 9600, *, timeout: float = 0.05) -> serial.Serial:
    """Open 8N1 with a short read timeout so reader threads can notice `stop()`."""
    return serial.serial_for_url(path, baudrate=baudrate, timeout=timeout, write_timeout=2, exclusive=True)

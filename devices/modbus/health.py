"""DeviceHealth: one fault report when a polled Modbus device stops answering, one when it is back.

Pollers call `failed(exc)` on every failed read and `ok()` on every good one; `on_fault(kind, detail)` and
`on_restored()` fire on the transitions only, so a silent device logs once, not once per poll. Kinds:
``unavailable`` (no valid answer: silent, cable cut, CRC errors) and ``device_error`` (a Modbus exception
response: wrong address or function in the configuration).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from devices.modbus.adapter import ModbusDeviceError

log = logging.getLogger(__name__)
FaultHandler = Callable[[str, str], None]
RestoredHandler = Callable[[], None]


def fault_kind(exc: BaseException) -> str:
    """``device_error`` for a Modbus exception response, else ``unavailable``."""
    return "device_error" if isinstance(exc, ModbusDeviceError) else "unavailable"


class DeviceHealth:
    """Fault state of one polled device (`name` is what log lines call it, zh-CN / English)."""

    def __init__(
        self, name: str, on_fault: FaultHandler | None = None, on_restored: RestoredHandler | None = None
    ) -> None:
        self.name = name
        self.on_fault = on_fault or self._log_fault
        self.on_restored = on_restored or self._log_restored
        self.faulty = False
        self.faults = 0
        self._lock = threading.Lock()

    def failed(self, exc: BaseException) -> None:
        """A read failed; reports the fault on the first failure of an outage."""
        with self._lock:
            first, self.faulty = not self.faulty, True
            self.faults += first
        if first:
            self._safely(self.on_fault, fault_kind(exc), str(exc))

    def ok(self) -> None:
        """A read succeeded; reports the recovery once."""
        with self._lock:
            back, self.faulty = self.faulty, False
        if back:
            self._safely(self.on_restored)

    def _safely(self, handler: Callable[..., None], *args: str) -> None:
        try:
            handler(*args)
        except Exception:  # a failing handler (bus down…) must not stop the poller
            log.exception("%s: fault handler failed / 故障回调失败", self.name)

    def _log_fault(self, kind: str, detail: str) -> None:
        log.warning("%s 读取失败 / unreadable (%s): %s", self.name, kind, detail)

    def _log_restored(self) -> None:
        log.info("%s 恢复 / readable again", self.name)

"""Door inputs over devices/: door contact and fire input from Modbus discrete inputs or a serial alarm host."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from devices.modbus import DeviceHealth, ModbusAdapter, ModbusDeviceError
from devices.modbus.health import FaultHandler, RestoredHandler
from devices.serial import AlarmHostMessage

log = logging.getLogger(__name__)
ContactHandler = Callable[[bool, float, datetime], None]


class FireSources:
    """Fire is active while any source (local input, perimeter command) says so; changes go to `apply`."""

    def __init__(self, apply: Callable[[bool, datetime, str, str], None]) -> None:
        self.apply = apply
        self.active: set[str] = set()
        self._lock = threading.Lock()

    def set(self, source: str, on: bool, reason: str = "") -> None:
        """One source reports its state; the door sees only the change of the combined state."""
        with self._lock:
            before = bool(self.active)
            (self.active.add if on else self.active.discard)(source)
            after = bool(self.active)
        if after != before:
            self.apply(after, datetime.now(UTC), source, reason)


class ModbusDoorInputs:
    """Polls a door contact (and optionally a fire input) as Modbus discrete inputs; reports edges only.

    The first successful poll reports the current state. A module that goes silent or answers with bad CRCs
    is reported once through `on_fault(kind, detail)` and once through `on_restored()` when it reads again
    (default: a log line each); polling goes on, and the first poll after it returns reports any change
    that happened meanwhile (a contact that opened and closed again entirely within the outage is not seen:
    plain discrete inputs do not latch).
    """

    def __init__(
        self,
        adapter: ModbusAdapter,
        on_contact: ContactHandler,
        contact_address: int,
        fire: FireSources | None = None,
        fire_address: int | None = None,
        interval_s: float = 0.2,
        contact_open_value: bool = True,
        *,
        on_fault: FaultHandler | None = None,
        on_restored: RestoredHandler | None = None,
    ) -> None:
        self.adapter, self.on_contact, self.fire = adapter, on_contact, fire
        self.contact_address, self.fire_address = contact_address, fire_address
        self.interval_s, self.open_value = interval_s, contact_open_value
        self._door: bool | None = None
        self._fire: bool | None = None
        self.health = DeviceHealth("门磁输入模块 / door input module", on_fault, on_restored)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="door-inputs", daemon=True)

    def start(self) -> ModbusDoorInputs:
        """Start polling."""
        self._thread.start()
        return self

    def poll(self) -> None:
        """One poll: read the inputs and report what changed."""
        door = self.adapter.read_discrete_inputs(self.contact_address, 1)[0] == self.open_value
        if door != self._door:
            self._door = door
            self.on_contact(door, time.monotonic(), datetime.now(UTC))
        if self.fire is not None and self.fire_address is not None:
            fire = self.adapter.read_discrete_inputs(self.fire_address, 1)[0]
            if fire != self._fire:
                self._fire = fire
                self.fire.set("fire_input", fire)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.poll()
                self.health.ok()
            except (ConnectionError, ModbusDeviceError) as exc:
                self.health.failed(exc)
            except Exception:  # a handler's bug must not end door-contact polling
                log.exception("door input poll failed / 门磁输入轮询异常")
            self._stop.wait(self.interval_s)

    def stop(self) -> None:
        """Stop polling and leave the Modbus line (closed when no other device uses it)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(5)
        self.adapter.close()


class AlarmHostDoorInputs:
    """Zone reports of a serial alarm host (devices.serial.AlarmHostClient): the door contact zone's ALARM /
    RESTORE are door open / closed; the fire zone's ALARM / RESTORE switch the fire source."""

    def __init__(
        self,
        on_contact: ContactHandler,
        contact_zone: int,
        fire: FireSources | None = None,
        fire_zone: int | None = None,
    ) -> None:
        self.on_contact, self.contact_zone = on_contact, contact_zone
        self.fire, self.fire_zone = fire, fire_zone

    def __call__(self, message: AlarmHostMessage) -> None:
        """Handle one report (pass this object as AlarmHostClient's on_message)."""
        if message.kind != "zone" or message.event not in ("ALARM", "RESTORE"):
            return
        on = message.event == "ALARM"
        if message.zone == self.contact_zone:
            self.on_contact(on, time.monotonic(), datetime.now(UTC))
        elif self.fire is not None and message.zone == self.fire_zone:
            self.fire.set("fire_input", on)

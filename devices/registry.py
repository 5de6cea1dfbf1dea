"""Device registry: identity by serial/MAC, heartbeats, offline after a timeout, identity changes refused."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from devices.bus.models import Event, utcnow

DEFAULT_TIMEOUT_S = 120.0
_MAC = re.compile(
    r"^([0-9a-f]{2})[:-]?([0-9a-f]{2})[:-]?([0-9a-f]{2})[:-]?([0-9a-f]{2})[:-]?([0-9a-f]{2})[:-]?([0-9a-f]{2})$"
)


class IdentityConflict(ValueError):
    """A different device answered at a registered address (swapped or spoofed): refused."""


def normalize_identity(identity: str) -> str:
    """MACs become `aa:bb:cc:dd:ee:ff`; serial numbers are stripped and upper-cased."""
    text = identity.strip()
    mac = _MAC.match(text.lower())
    if mac:
        return ":".join(mac.groups())
    if not text:
        raise ValueError("empty device identity / 设备标识为空")
    return text.upper()


@dataclass
class DeviceRecord:
    """What we know about one device."""

    identity: str
    address: str
    kind: str
    timeout_s: float
    last_seen: datetime
    online: bool = True


class DeviceRegistry:
    """Thread-safe; `clock` returns aware UTC datetimes (inject a fake in tests); `emit` gets events."""

    def __init__(self, emit: Callable[[Event], None], *, clock: Callable[[], datetime] = utcnow) -> None:
        self._emit = emit
        self._clock = clock
        self._by_address: dict[str, DeviceRecord] = {}
        self._lock = threading.Lock()

    def register(
        self, address: str, identity: str, kind: str, *, timeout_s: float = DEFAULT_TIMEOUT_S
    ) -> DeviceRecord:
        """Add a device (or confirm it); raises IdentityConflict if another identity holds the address."""
        ident = normalize_identity(identity)
        with self._lock:
            record = self._by_address.get(address)
            if record is not None:
                self._check_identity(record, ident)
                return record
            record = DeviceRecord(ident, address, kind, timeout_s, self._clock())
            self._by_address[address] = record
            return record

    def _check_identity(self, record: DeviceRecord, ident: str) -> None:
        if record.identity != ident:
            raise IdentityConflict(
                f"设备标识变更被拒绝 / identity changed at {record.address}: {record.identity} -> {ident}"
            )

    def heartbeat(self, address: str, identity: str) -> DeviceRecord:
        """Record a sign of life; emits `device_recovered` if it was offline. Unknown address: KeyError."""
        ident = normalize_identity(identity)
        with self._lock:
            record = self._by_address[address]
            self._check_identity(record, ident)
            record.last_seen = self._clock()
            recovered = not record.online
            record.online = True
        if recovered:
            self._emit(self._event(record, "device_recovered", {}))
        return record

    def check(self) -> list[DeviceRecord]:
        """Mark devices silent past their timeout offline (one `device_fault` each); returns them."""
        now = self._clock()
        gone: list[DeviceRecord] = []
        with self._lock:
            for record in self._by_address.values():
                if record.online and (now - record.last_seen).total_seconds() > record.timeout_s:
                    record.online = False
                    gone.append(record)
        for record in gone:
            silent = (now - record.last_seen).total_seconds()
            self._emit(
                self._event(record, "device_fault", {"reason": "offline", "silent_s": round(silent, 1)})
            )
        return gone

    def replace(self, address: str, identity: str) -> DeviceRecord:
        """Deliberately accept a new device at an address (a technician swapped it)."""
        with self._lock:
            old = self._by_address[address]
            record = DeviceRecord(
                normalize_identity(identity), address, old.kind, old.timeout_s, self._clock()
            )
            self._by_address[address] = record
            return record

    def get(self, address: str) -> DeviceRecord | None:
        """The record at an address."""
        with self._lock:
            return self._by_address.get(address)

    def devices(self) -> list[DeviceRecord]:
        """All records."""
        with self._lock:
            return list(self._by_address.values())

    def _event(self, record: DeviceRecord, kind: str, data: dict[str, object]) -> Event:
        payload = {"address": record.address, "device_kind": record.kind, **data}
        return Event(device_id=record.identity, kind=kind, ts=self._clock(), data=payload)

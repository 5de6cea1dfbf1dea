"""Modbus perimeter alarm host simulator: N zones, latched alarms, trip counters, tamper/fault, power status.

The register map is documented in devices/modbus/README.md; keep both in sync.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from pymodbus.constants import ExcCodes
from pymodbus.datastore import ModbusBaseDeviceContext

from devices.modbus.codec import Order, encode, encode_ascii

LATCH_BASE = 1000
FAULT_BASE = 2000
STATUS_BASE = 3000
CLEAR_ZONE_BASE = 1000
SYS_REG_BASE = 1000
SIREN_COIL = 100
SIM_INPUT_BASE = 5000  # simulator only: coil 5000+z-1 write 1/0 = trip/restore zone z (sc sim perimeter)
SIM_TAMPER, SIM_MAINS = 5999, 5998  # simulator only: enclosure tamper on/off, mains present on/off
FIRMWARE = 0x0102


class PerimeterHostModel:
    """The host's memory; scripting methods are thread-safe and take zones numbered from 1."""

    def __init__(self, zones: int = 16, *, serial: str = "PH-SIM-0001", word_order: Order = "big") -> None:
        if not 1 <= zones <= 1000:
            raise ValueError("zones must be 1..1000")
        self.zones = zones
        self.serial = serial
        self.word_order: Order = word_order
        self.live = [False] * zones
        self.latched = [False] * zones
        self.fault = [False] * zones
        self.counters = [0] * zones
        self.tamper_live = False
        self.tamper_latched = False
        self.tamper_count = 0
        self.mains_ok = True
        self.battery_mv = 13_600
        self.siren = False
        self.general_fault = False
        self._t0 = time.monotonic()
        self.lock = threading.RLock()  # re-entered by the simulator-only control coils

    def _z(self, zone: int) -> int:
        if not 1 <= zone <= self.zones:
            raise ValueError(f"zone {zone} out of 1..{self.zones}")
        return zone - 1

    def trip(self, zone: int) -> None:
        """Open the zone: live bit set, latch set, counter incremented."""
        with self.lock:
            i = self._z(zone)
            if not self.live[i]:
                self.counters[i] = (self.counters[i] + 1) & 0xFFFF
            self.live[i] = self.latched[i] = True

    def restore(self, zone: int) -> None:
        """Close the zone (the latch stays until cleared by the poller)."""
        with self.lock:
            self.live[self._z(zone)] = False

    def pulse(self, zone: int) -> None:
        """Trip and restore at once: only the latch and the counter show it happened."""
        self.trip(zone)
        self.restore(zone)

    def set_fault(self, zone: int, on: bool = True) -> None:
        """Wire fault (cut/short) on a zone."""
        with self.lock:
            self.fault[self._z(zone)] = on

    def tamper(self, on: bool = True) -> None:
        """Open (or close) the enclosure tamper switch."""
        with self.lock:
            if on and not self.tamper_live:
                self.tamper_count = (self.tamper_count + 1) & 0xFFFF
                self.tamper_latched = True
            self.tamper_live = on

    def set_power(self, *, mains_ok: bool | None = None, battery_mv: int | None = None) -> None:
        """Mains present / battery voltage (below 11.5 V reads as battery low)."""
        with self.lock:
            self.mains_ok = self.mains_ok if mains_ok is None else mains_ok
            self.battery_mv = self.battery_mv if battery_mv is None else battery_mv

    def discrete(self, address: int) -> bool | None:
        """Value of one discrete input, None if unmapped."""
        n = self.zones
        if address < n:
            return self.live[address]
        if LATCH_BASE <= address < LATCH_BASE + n:
            return self.latched[address - LATCH_BASE]
        if FAULT_BASE <= address < FAULT_BASE + n:
            return self.fault[address - FAULT_BASE]
        status = [
            self.tamper_live,
            self.tamper_latched,
            self.mains_ok,
            self.battery_mv < 11_500,
            self.general_fault or any(self.fault),
        ]
        if STATUS_BASE <= address < STATUS_BASE + len(status):
            return status[address - STATUS_BASE]
        return None

    def input_register(self, address: int) -> int | None:
        """Value of one input register, None if unmapped."""
        if address < self.zones:
            return self.counters[address]
        uptime = encode(int(time.monotonic() - self._t0), "u32", word_order=self.word_order)
        system = [
            self.tamper_count,
            self.battery_mv,
            220 if self.mains_ok else 0,
            *uptime,
            self.zones,
            FIRMWARE,
        ]
        if SYS_REG_BASE <= address < SYS_REG_BASE + len(system):
            return system[address - SYS_REG_BASE]
        return None

    def holding_register(self, address: int) -> int | None:
        """Serial number (8 registers of ASCII) at 0..7."""
        regs = encode_ascii(self.serial, 8)
        return regs[address] if 0 <= address < len(regs) else None

    def coil(self, address: int) -> bool | None:
        """Readable coils: clear commands read 0, the siren its state."""
        if address == 0 or CLEAR_ZONE_BASE <= address < CLEAR_ZONE_BASE + self.zones:
            return False
        if SIM_INPUT_BASE <= address < SIM_INPUT_BASE + self.zones:
            return self.live[address - SIM_INPUT_BASE]
        if address in (SIM_TAMPER, SIM_MAINS):
            return self.tamper_live if address == SIM_TAMPER else self.mains_ok
        return self.siren if address == SIREN_COIL else None

    def write_coil(self, address: int, value: bool) -> bool:
        """Handle a coil write; False if unmapped."""
        if address == 0:
            if value:
                self.latched = list(self.live)
                self.tamper_latched = self.tamper_live
            return True
        if CLEAR_ZONE_BASE <= address < CLEAR_ZONE_BASE + self.zones:
            i = address - CLEAR_ZONE_BASE
            if value:
                self.latched[i] = self.live[i]
            return True
        if address == SIREN_COIL:
            self.siren = value
            return True
        return self._sim_control(address, value)

    def _sim_control(self, address: int, value: bool) -> bool:
        """Test hooks so another process (`sc sim perimeter`) can drive a simulator it did not start."""
        if SIM_INPUT_BASE <= address < SIM_INPUT_BASE + self.zones:
            zone = address - SIM_INPUT_BASE + 1
            self.trip(zone) if value else self.restore(zone)
        elif address == SIM_TAMPER:
            self.tamper(value)
        elif address == SIM_MAINS:
            self.set_power(mains_ok=value)
        else:
            return False
        return True


class PerimeterDeviceContext(ModbusBaseDeviceContext):
    """Bridges pymodbus requests to a PerimeterHostModel (addresses are 0-based PDU addresses)."""

    def __init__(self, model: PerimeterHostModel) -> None:
        self.model = model

    def reset(self) -> None:
        """Nothing to reset."""

    def getValues(self, func_code: int, address: int, count: int = 1) -> Any:
        """Read `count` items; ILLEGAL_ADDRESS if any is unmapped."""
        table = {1: "c", 5: "c", 15: "c", 2: "d", 4: "i"}.get(func_code, "h")
        m = self.model
        read = {"c": m.coil, "d": m.discrete, "i": m.input_register, "h": m.holding_register}[table]
        with self.model.lock:
            values = [read(a) for a in range(address, address + count)]
        if any(v is None for v in values):
            return ExcCodes.ILLEGAL_ADDRESS
        return values

    def setValues(self, func_code: int, address: int, values: Any) -> Any:
        """Only coils are writable."""
        if func_code not in (5, 15):
            return ExcCodes.ILLEGAL_ADDRESS
        with self.model.lock:
            ok = [self.model.write_coil(address + i, bool(v)) for i, v in enumerate(values)]
        return None if all(ok) else ExcCodes.ILLEGAL_ADDRESS

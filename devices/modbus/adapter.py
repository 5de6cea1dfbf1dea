"""Our Modbus adapter over pymodbus (pinned 3.11.4): one device (unit) on a shared `ModbusLine`."""

from __future__ import annotations

import logging
import threading
import weakref
from typing import Any

from devices.modbus.codec import DataType, decode, encode
from devices.modbus.config import ModbusConfig
from devices.modbus.line import LINES, ModbusLine, ModbusUnavailable

log = logging.getLogger(__name__)
MAX_BITS = 2000
MAX_REGS = 125
__all__ = ["ModbusAdapter", "ModbusDeviceError", "ModbusUnavailable"]


class ModbusDeviceError(RuntimeError):
    """The device answered with a Modbus exception (bad address, function): a configuration problem."""


class ModbusAdapter:
    """One unit on a line shared with every other adapter for the same port or endpoint (thread-safe:
    one request on the wire at a time); reads are chunked to PDU limits."""

    def __init__(self, config: ModbusConfig) -> None:
        self.config = config
        self._hold = threading.Lock()
        self._line: ModbusLine | None = None
        self._release: weakref.finalize[Any, Any] | None = None
        self._join()  # now: a framing conflict with the open line surfaces at construction

    @property
    def line(self) -> ModbusLine:
        """The shared line, (re)joined on demand after `close()`."""
        return self._join()

    def _join(self) -> ModbusLine:
        with self._hold:
            if self._line is None:
                self._line = LINES.acquire(self.config)
                self._release = weakref.finalize(self, LINES.release, self._line)  # a dropped adapter too
            return self._line

    def close(self) -> None:
        """Leave the line (the last adapter closes it); the next request joins it again."""
        with self._hold:
            release, self._line, self._release = self._release, None, None
        if release is not None:
            release()

    def _call(self, method: str, *args: Any, **kw: Any) -> Any:
        response = self.line.call(self.config.unit_id, method, *args, **kw)
        if response.isError():
            raise ModbusDeviceError(f"{self._where()} {method}: exception code {response.exception_code}")
        return response

    def _where(self) -> str:
        return f"{self.line.where()} unit {self.config.unit_id}"

    def _bits(self, method: str, address: int, count: int) -> list[bool]:
        out: list[bool] = []
        for start in range(address, address + count, MAX_BITS):
            n = min(MAX_BITS, address + count - start)
            out += self._call(method, start, count=n).bits[:n]
        return out

    def _regs(self, method: str, address: int, count: int) -> list[int]:
        out: list[int] = []
        for start in range(address, address + count, MAX_REGS):
            n = min(MAX_REGS, address + count - start)
            out += self._call(method, start, count=n).registers[:n]
        return out

    def read_coils(self, address: int, count: int = 1) -> list[bool]:
        """Function 1."""
        return self._bits("read_coils", address, count)

    def read_discrete_inputs(self, address: int, count: int = 1) -> list[bool]:
        """Function 2."""
        return self._bits("read_discrete_inputs", address, count)

    def read_holding_registers(self, address: int, count: int = 1) -> list[int]:
        """Function 3."""
        return self._regs("read_holding_registers", address, count)

    def read_input_registers(self, address: int, count: int = 1) -> list[int]:
        """Function 4."""
        return self._regs("read_input_registers", address, count)

    def write_coil(self, address: int, value: bool) -> None:
        """Function 5."""
        self._call("write_coil", address, value)

    def write_coils(self, address: int, values: list[bool]) -> None:
        """Function 15."""
        self._call("write_coils", address, values)

    def write_register(self, address: int, value: int) -> None:
        """Function 6."""
        self._call("write_register", address, value)

    def write_registers(self, address: int, values: list[int]) -> None:
        """Function 16."""
        self._call("write_registers", address, values)

    def read_value(self, address: int, dtype: DataType, *, holding: bool = True) -> int | float:
        """Read a 16/32-bit value using this device's word/byte order."""
        count = 1 if dtype in ("u16", "i16") else 2
        regs = (self.read_holding_registers if holding else self.read_input_registers)(address, count)
        return decode(regs, dtype, word_order=self.config.word_order, byte_order=self.config.byte_order)

    def write_value(self, address: int, value: int | float, dtype: DataType) -> None:
        """Write a 16/32-bit value into holding registers using this device's order."""
        c = self.config
        self.write_registers(address, encode(value, dtype, word_order=c.word_order, byte_order=c.byte_order))

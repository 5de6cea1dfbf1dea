"""Our Modbus adapter over pymodbus (pinned 3.11.4): the only code that touches pymodbus clients."""

from __future__ import annotations

import logging
import threading
from typing import Any

from pymodbus.client import ModbusSerialClient, ModbusTcpClient
from pymodbus.exceptions import ModbusException

from devices.modbus.codec import DataType, decode, encode
from devices.modbus.config import ModbusConfig

log = logging.getLogger(__name__)
MAX_BITS = 2000
MAX_REGS = 125


class ModbusUnavailable(ConnectionError):
    """No (valid) answer: timeout, lost link, CRC errors. Transient: retry on the next poll."""


class ModbusDeviceError(RuntimeError):
    """The device answered with a Modbus exception (bad address, function): a configuration problem."""


class ModbusAdapter:
    """Synchronous, thread-safe (one request at a time) client; reads are chunked to PDU limits."""

    def __init__(self, config: ModbusConfig) -> None:
        self.config = config
        self._lock = threading.Lock()
        self._client: Any = self._make_client(config)

    @staticmethod
    def _make_client(c: ModbusConfig) -> Any:
        common: dict[str, Any] = {"timeout": c.timeout, "retries": c.retries, "reconnect_delay": 0.1}
        if c.transport == "tcp":
            return ModbusTcpClient(c.host or "", port=c.port, reconnect_delay_max=2, **common)
        serial: dict[str, Any] = {"baudrate": c.baudrate, "parity": c.parity, "stopbits": c.stopbits}
        return ModbusSerialClient(
            c.serial_port or "", handle_local_echo=c.handle_local_echo, **serial, **common
        )

    def close(self) -> None:
        """Close the link (reopened on the next request)."""
        with self._lock:
            self._client.close()

    def _call(self, method: str, *args: Any, **kw: Any) -> Any:
        with self._lock:
            try:
                if not self._client.connected and not self._client.connect():
                    raise ModbusUnavailable(f"cannot open {self._where()}")
                response = getattr(self._client, method)(*args, device_id=self.config.unit_id, **kw)
            except ModbusException as exc:
                self._client.close()
                raise ModbusUnavailable(f"{self._where()}: {exc}") from exc
            except OSError as exc:
                self._client.close()
                raise ModbusUnavailable(f"{self._where()}: {exc}") from exc
        if response.isError():
            raise ModbusDeviceError(f"{self._where()} {method}: exception code {response.exception_code}")
        return response

    def _where(self) -> str:
        c = self.config
        return f"modbus {c.host}:{c.port}" if c.transport == "tcp" else f"modbus {c.serial_port}@{c.baudrate}"

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

"""Run a pymodbus server (TCP or RTU on a serial/pty path) in a background thread for simulators."""

from __future__ import annotations

import logging
from typing import Any

from pymodbus.datastore import ModbusServerContext
from pymodbus.exceptions import NoSuchIdException
from pymodbus.server import ModbusSerialServer, ModbusTcpServer

from devices._loop import LoopThread

log = logging.getLogger(__name__)


class _SilenceableContext(ModbusServerContext):
    """Server context whose units can pretend not to exist (the server then sends nothing for them)."""

    def __init__(self, devices: dict[int, Any]) -> None:
        super().__init__(devices=devices, single=False)
        self.silent_units: set[int] = set()

    def __getitem__(self, device_id: int) -> Any:
        if device_id in self.silent_units:
            raise NoSuchIdException("silent")
        return super().__getitem__(device_id)


class SimServer:
    """Serves device contexts on TCP (`host`, `port`) or RTU (`serial_port`, `baudrate`): one `device` as
    `unit_id`, or several units on one bus with `units={1: a, 2: b}` (an RS-485 line with two modules)."""

    def __init__(self, device: Any = None, *, unit_id: int = 1, units: dict[int, Any] | None = None) -> None:
        if (device is None) == (units is None):
            raise ValueError("give device or units")
        self.units = units if units is not None else {unit_id: device}
        self.context = _SilenceableContext(self.units)
        self._loop: LoopThread | None = None
        self._server: Any = None

    def start_tcp(self, host: str = "127.0.0.1", port: int = 5020) -> SimServer:
        """Listen for Modbus TCP."""
        return self._start(
            lambda: ModbusTcpServer(self.context, address=(host, port), ignore_missing_devices=True)
        )

    def start_rtu(self, serial_port: str, baudrate: int = 9600) -> SimServer:
        """Answer Modbus RTU on a serial device (a pty path in tests)."""

        def make() -> Any:
            return ModbusSerialServer(
                self.context,
                port=serial_port,
                baudrate=baudrate,
                ignore_missing_devices=True,
                reconnect_delay=0.2,
            )

        return self._start(make)

    def _start(self, factory: Any) -> SimServer:
        self._loop = LoopThread("modbus-sim")

        async def boot() -> Any:
            server = factory()
            await server.serve_forever(background=True)
            return server

        self._server = self._loop.run(boot())
        return self

    @property
    def silent(self) -> bool:
        """True while every unit ignores every request."""
        return self.context.silent_units >= set(self.units)

    @silent.setter
    def silent(self, value: bool) -> None:
        for unit in self.units:
            self.silence(unit, value)

    def silence(self, unit_id: int, on: bool = True) -> None:
        """One unit stops answering (or answers again with `on=False`); the others carry on."""
        if unit_id not in self.units:
            raise KeyError(unit_id)
        (self.context.silent_units.add if on else self.context.silent_units.discard)(unit_id)

    def stop(self) -> None:
        """Close the server and its thread."""
        if self._loop is None:
            return
        try:
            self._loop.run(self._server.shutdown(), timeout=5)
        finally:
            self._loop.close()
            self._loop = None

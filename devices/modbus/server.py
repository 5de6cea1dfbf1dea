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
    """Server context that pretends no device exists while `silent` (the server then sends nothing)."""

    def __init__(self, device: Any, unit_id: int) -> None:
        super().__init__(devices={unit_id: device}, single=False)
        self.silent = False

    def __getitem__(self, device_id: int) -> Any:
        if self.silent:
            raise NoSuchIdException("silent")
        return super().__getitem__(device_id)


class SimServer:
    """Serves one device context on TCP (`host`, `port`) or RTU (`serial_port`, `baudrate`)."""

    def __init__(self, device: Any, *, unit_id: int = 1) -> None:
        self.context = _SilenceableContext(device, unit_id)
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
        """True while the device ignores every request."""
        return self.context.silent

    @silent.setter
    def silent(self, value: bool) -> None:
        self.context.silent = value

    def stop(self) -> None:
        """Close the server and its thread."""
        if self._loop is None:
            return
        try:
            self._loop.run(self._server.shutdown(), timeout=5)
        finally:
            self._loop.close()
            self._loop = None

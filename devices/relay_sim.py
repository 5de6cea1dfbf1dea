"""Relay board simulators that record every pulse: Modbus coils (TCP/RTU) and the serial board."""

from __future__ import annotations

from typing import Any

from pymodbus.constants import ExcCodes
from pymodbus.datastore import ModbusBaseDeviceContext

from devices.modbus.server import SimServer
from devices.serial.relay_board_sim import RelayRecorder, SerialRelayBoardSimulator


class _CoilContext(ModbusBaseDeviceContext):
    """Coils 0..n-1 map to channels 1..n of the recorder."""

    def __init__(self, recorder: RelayRecorder) -> None:
        self.recorder = recorder

    def reset(self) -> None:
        """Nothing to reset."""

    def getValues(self, func_code: int, address: int, count: int = 1) -> Any:
        """Coil states (FC1, and the read-back after FC5/FC15)."""
        if func_code not in (1, 5, 15) or address + count > self.recorder.channels:
            return ExcCodes.ILLEGAL_ADDRESS
        return self.recorder.state[address + 1 : address + 1 + count]

    def setValues(self, func_code: int, address: int, values: Any) -> Any:
        """FC5/FC15 switch channels."""
        if func_code not in (5, 15) or address + len(values) > self.recorder.channels:
            return ExcCodes.ILLEGAL_ADDRESS
        for i, value in enumerate(values):
            self.recorder.apply(address + 1 + i, bool(value))
        return None


class ModbusRelayBoardSimulator:
    """A Modbus relay board: `recorder.pulses` lists every on→off with monotonic timestamps."""

    def __init__(self, channels: int = 8, *, unit_id: int = 1) -> None:
        self.recorder = RelayRecorder(channels)
        self.server = SimServer(_CoilContext(self.recorder), unit_id=unit_id)

    def start_tcp(self, host: str = "127.0.0.1", port: int = 5021) -> ModbusRelayBoardSimulator:
        """Serve Modbus TCP."""
        self.server.start_tcp(host, port)
        return self

    def start_rtu(self, path: str, baudrate: int = 9600) -> ModbusRelayBoardSimulator:
        """Serve Modbus RTU on a serial/pty path."""
        self.server.start_rtu(path, baudrate)
        return self

    def stop(self) -> None:
        """Stop the server."""
        self.server.stop()


__all__ = ["ModbusRelayBoardSimulator", "RelayRecorder", "SerialRelayBoardSimulator"]

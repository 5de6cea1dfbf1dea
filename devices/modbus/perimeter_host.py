"""PerimeterHostSimulator: the model behind a real pymodbus server, scriptable from tests and the CLI."""

from __future__ import annotations

from devices.modbus.codec import Order
from devices.modbus.perimeter_sim import PerimeterDeviceContext, PerimeterHostModel
from devices.modbus.server import SimServer


class PerimeterHostSimulator:
    """`trip(zone)`, `restore(zone)`, `tamper()`, `go_silent()` over Modbus TCP or RTU."""

    def __init__(
        self, zones: int = 16, *, unit_id: int = 1, serial: str = "PH-SIM-0001", word_order: Order = "big"
    ):
        self.model = PerimeterHostModel(zones, serial=serial, word_order=word_order)
        self.server = SimServer(PerimeterDeviceContext(self.model), unit_id=unit_id)

    def start_tcp(self, host: str = "127.0.0.1", port: int = 5020) -> PerimeterHostSimulator:
        """Serve Modbus TCP."""
        self.server.start_tcp(host, port)
        return self

    def start_rtu(self, serial_port: str, baudrate: int = 9600) -> PerimeterHostSimulator:
        """Serve Modbus RTU on a serial/pty path."""
        self.server.start_rtu(serial_port, baudrate)
        return self

    def trip(self, zone: int) -> None:
        """Open a zone."""
        self.model.trip(zone)

    def restore(self, zone: int) -> None:
        """Close a zone."""
        self.model.restore(zone)

    def pulse(self, zone: int) -> None:
        """Trip and restore between two polls."""
        self.model.pulse(zone)

    def tamper(self, on: bool = True) -> None:
        """Open/close the tamper switch."""
        self.model.tamper(on)

    def fault(self, zone: int, on: bool = True) -> None:
        """Zone wiring fault."""
        self.model.set_fault(zone, on)

    def power(self, *, mains_ok: bool | None = None, battery_mv: int | None = None) -> None:
        """Mains / battery status."""
        self.model.set_power(mains_ok=mains_ok, battery_mv=battery_mv)

    def go_silent(self, silent: bool = True) -> None:
        """Stop answering (requests time out) — or answer again with `False`."""
        self.server.silent = silent

    def stop(self) -> None:
        """Stop the server."""
        self.server.stop()

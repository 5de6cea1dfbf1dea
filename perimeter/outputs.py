"""Relay outputs of a site (siren, strobe, lights) as linkage.RelayOutputs, over devices/ relay drivers."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from devices.modbus import ModbusAdapter, ModbusConfig
from devices.relay import ModbusCoilDriver, Relay, RelayDriver, SerialBoardDriver
from perimeter.config import OutputConfig

log = logging.getLogger(__name__)


class RelayBank:
    """Switches outputs by id; outputs on one board share one driver (one request at a time)."""

    def __init__(self, outputs: Sequence[OutputConfig]) -> None:
        self.relays: dict[str, Relay] = {}
        self._drivers: dict[tuple[object, ...], RelayDriver] = {}
        self._adapters: list[ModbusAdapter] = []
        self._boards: list[SerialBoardDriver] = []
        for o in outputs:
            self.relays[o.id] = Relay(self._driver(o), o.channel, name=o.name or o.id)

    def _driver(self, o: OutputConfig) -> RelayDriver:
        key: tuple[object, ...] = (o.transport, o.host, o.port, o.serial_port, o.unit_id, o.first_coil)
        if key not in self._drivers:
            if o.transport == "serial_board":
                board = SerialBoardDriver(o.serial_port or "", o.baudrate)
                self._boards.append(board)
                self._drivers[key] = board
            else:
                cfg = ModbusConfig(
                    transport=o.transport,
                    host=o.host,
                    port=o.port,
                    serial_port=o.serial_port,
                    baudrate=o.baudrate,
                    unit_id=o.unit_id,
                    timeout=1.0,
                    retries=1,
                )
                adapter = ModbusAdapter(cfg)
                self._adapters.append(adapter)
                self._drivers[key] = ModbusCoilDriver(adapter, o.first_coil)
        return self._drivers[key]

    def set(self, output_id: str, on: bool) -> None:
        """Switch one output; KeyError for an output the site does not list (linkage reports it)."""
        relay = self.relays.get(output_id)
        if relay is None:
            raise KeyError(f"output {output_id} not configured / 未配置输出 {output_id}")
        relay.hold(on)
        log.info("output %s %s / 输出%s", output_id, "on" if on else "off", "开" if on else "关")

    def states(self) -> dict[str, bool]:
        """Commanded state of every output."""
        return {k: r.is_on for k, r in self.relays.items()}

    def close(self) -> None:
        """Close the links."""
        for a in self._adapters:
            a.close()
        for b in self._boards:
            b.close()

"""Modbus RTU/TCP: `ModbusAdapter` over pymodbus 3.11.4, value codecs, and the perimeter host simulator.

Usage::

    from devices.modbus import ModbusAdapter, ModbusConfig, ModbusUnavailable
    host = ModbusAdapter(ModbusConfig(transport="tcp", host="127.0.0.1", port=5020, word_order="little"))
    live = host.read_discrete_inputs(0, 512)        # zone states
    latched = host.read_discrete_inputs(1000, 512)  # alarms since last clear (see README.md register map)
    host.write_coil(0, True)                        # clear latches

Catch `ModbusUnavailable` (transient, retry next poll) and `ModbusDeviceError` (configuration).
Adapters for the same serial port or TCP endpoint share one client (`devices.modbus.line`), so several
units on one RS-485 bus take turns; `DeviceHealth` turns failed polls into one fault / one recovery report.
"""

from devices.modbus.adapter import ModbusAdapter, ModbusDeviceError, ModbusUnavailable
from devices.modbus.codec import decode, decode_ascii, encode, encode_ascii
from devices.modbus.config import ModbusConfig
from devices.modbus.health import DeviceHealth
from devices.modbus.line import LINES, ModbusLine
from devices.modbus.perimeter_host import PerimeterHostSimulator
from devices.modbus.perimeter_sim import PerimeterHostModel
from devices.modbus.server import SimServer

__all__ = [
    "LINES",
    "DeviceHealth",
    "ModbusAdapter",
    "ModbusConfig",
    "ModbusDeviceError",
    "ModbusLine",
    "ModbusUnavailable",
    "PerimeterHostModel",
    "PerimeterHostSimulator",
    "SimServer",
    "decode",
    "decode_ascii",
    "encode",
    "encode_ascii",
]

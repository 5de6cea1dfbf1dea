"""Serial devices: sans-I/O codecs (SCAH/1 text protocol, Contact ID, relay board) and their simulators.

Usage::

    from devices.serial import AlarmHostClient, decode_contact_id
    client = AlarmHostClient("/dev/ttyUSB0", on_message=print)   # ACKs and de-duplicates reports
    client.arm(1)

Codecs never do I/O: `TextDecoder().feed(bytes) -> [TextFrame | FrameError]`, `RelayDecoder().feed(bytes)`.
Protocol reference: devices/serial/PROTOCOL.md.
"""

from devices.serial.alarm_host import AlarmHostClient, AlarmHostMessage, to_message
from devices.serial.alarm_host_sim import AlarmHostSimulator
from devices.serial.contact_id import (
    ContactIdError,
    ContactIdEvent,
    checksum_digit,
    decode_contact_id,
    encode_contact_id,
)
from devices.serial.crc import crc16_ccitt
from devices.serial.relay_board_sim import Pulse, RelayRecorder, SerialRelayBoardSimulator
from devices.serial.relay_codec import RelayDecoder, RelayFrame, encode_relay
from devices.serial.reliable_link import LinkTimeout, ReliableLink
from devices.serial.text_protocol import FrameError, TextDecoder, TextFrame, encode_frame

__all__ = [
    "AlarmHostClient",
    "AlarmHostMessage",
    "AlarmHostSimulator",
    "ContactIdError",
    "ContactIdEvent",
    "FrameError",
    "LinkTimeout",
    "Pulse",
    "RelayDecoder",
    "RelayFrame",
    "RelayRecorder",
    "ReliableLink",
    "SerialRelayBoardSimulator",
    "TextDecoder",
    "TextFrame",
    "checksum_digit",
    "crc16_ccitt",
    "decode_contact_id",
    "encode_contact_id",
    "encode_frame",
    "encode_relay",
    "to_message",
]

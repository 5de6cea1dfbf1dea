"""Our side of a serial alarm host speaking SCAH/1: typed messages in, arm/disarm commands out."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from devices.serial.contact_id import ContactIdError, ContactIdEvent, decode_contact_id
from devices.serial.reliable_link import ReliableLink
from devices.serial.text_protocol import TextFrame

log = logging.getLogger(__name__)
ZONE_KINDS = frozenset({"ALARM", "RESTORE", "TAMPER", "FAULT", "AC_LOSS", "AC_RESTORE", "LOW_BATT"})


@dataclass(frozen=True, slots=True)
class AlarmHostMessage:
    """`kind` is zone / contact_id / heartbeat; zone 0 means the panel itself."""

    kind: str
    zone: int = 0
    event: str = ""
    contact_id: ContactIdEvent | None = None
    serial: str = ""


def to_message(frame: TextFrame) -> AlarmHostMessage | None:
    """Translate a frame; None when its arguments are not valid for its verb."""
    try:
        if frame.verb == "EVT" and len(frame.args) == 2 and frame.args[1] in ZONE_KINDS:
            return AlarmHostMessage("zone", zone=int(frame.args[0]), event=frame.args[1])
        if frame.verb == "CID" and len(frame.args) == 1:
            cid = decode_contact_id(frame.args[0])
            return AlarmHostMessage("contact_id", zone=cid.zone, event=cid.name, contact_id=cid)
        if frame.verb == "HB" and len(frame.args) == 1:
            return AlarmHostMessage("heartbeat", serial=frame.args[0])
    except (ValueError, ContactIdError):
        return None
    return None


class AlarmHostClient:
    """Opens the port, ACKs every valid report and hands it to `on_message` (on the reader thread)."""

    def __init__(self, path: str, on_message: Callable[[AlarmHostMessage], None], *, baudrate: int = 9600):
        self._on_message = on_message
        self.link = ReliableLink(path, self._handle, baudrate=baudrate)

    def _handle(self, frame: TextFrame) -> str | None:
        message = to_message(frame)
        if message is None:
            log.warning("alarm host sent an invalid frame: %s", frame)
            return "invalid"
        self._on_message(message)
        return None

    def arm(self, area: int) -> None:
        """Arm an area (waits for the ACK)."""
        self.link.send("ARM", f"{area:02d}")

    def disarm(self, area: int) -> None:
        """Disarm an area."""
        self.link.send("DISARM", f"{area:02d}")

    def close(self) -> None:
        """Close the port."""
        self.link.close()

"""A serial alarm host simulator speaking SCAH/1 on a pseudo-terminal (or any serial path)."""

from __future__ import annotations

import queue
import threading

from devices.serial.contact_id import ContactIdEvent, encode_contact_id
from devices.serial.reliable_link import LinkTimeout, ReliableLink
from devices.serial.text_protocol import TextFrame


class AlarmHostSimulator:
    """Reports are queued and delivered in order, one outstanding at a time, with retransmission."""

    def __init__(
        self, path: str, *, serial: str = "AH-SIM-0001", account: str = "1234", baudrate: int = 9600
    ):
        self.serial = serial
        self.account = account
        self.armed: set[int] = set()
        self.commands: list[TextFrame] = []
        self.undelivered: list[tuple[str, tuple[str, ...]]] = []
        self.link = ReliableLink(path, self._handle, baudrate=baudrate)
        self._queue: queue.Queue[tuple[str, tuple[str, ...]] | None] = queue.Queue()
        self._idle = threading.Event()
        self._idle.set()
        self._thread = threading.Thread(target=self._send_loop, name="alarm-host-sim", daemon=True)
        self._thread.start()

    def _handle(self, frame: TextFrame) -> str | None:
        self.commands.append(frame)
        if frame.verb in ("ARM", "DISARM") and frame.args and frame.args[0].isdigit():
            area = int(frame.args[0])
            (self.armed.add if frame.verb == "ARM" else self.armed.discard)(area)
            return None
        return None if frame.verb == "STATUS" else "unsupported"

    def _send_loop(self) -> None:
        while (item := self._queue.get()) is not None:
            try:
                self.link.send(item[0], *item[1])
            except LinkTimeout:
                self.undelivered.append(item)
            if self._queue.empty():
                self._idle.set()

    def _report(self, verb: str, *args: str) -> None:
        self._idle.clear()
        self._queue.put((verb, args))

    def trip(self, zone: int) -> None:
        """Zone alarm."""
        self._report("EVT", f"{zone:03d}", "ALARM")

    def restore(self, zone: int) -> None:
        """Zone back to normal."""
        self._report("EVT", f"{zone:03d}", "RESTORE")

    def tamper(self) -> None:
        """Panel enclosure opened."""
        self._report("EVT", "000", "TAMPER")

    def heartbeat(self) -> None:
        """Send a heartbeat carrying the panel serial."""
        self._report("HB", self.serial)

    def contact_id(self, code: int, zone: int, *, restore: bool = False, partition: int = 1) -> None:
        """Send a Contact ID report (e.g. 131 perimeter burglary)."""
        event = ContactIdEvent(self.account, "18", "3" if restore else "1", code, partition, zone)
        self._report("CID", encode_contact_id(event))

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until every queued report was ACKed or given up."""
        return self._idle.wait(timeout)

    def close(self) -> None:
        """Stop sending and close the port."""
        self._queue.put(None)
        self._thread.join(5)
        self.link.close()

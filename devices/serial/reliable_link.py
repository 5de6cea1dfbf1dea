"""Either end of an SCAH/1 link over a serial port: ACKs, retransmission, duplicate suppression."""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable

import serial

from devices.serial.port import open_port
from devices.serial.text_protocol import FrameError, TextDecoder, TextFrame, encode_frame

log = logging.getLogger(__name__)
FrameHandler = Callable[[TextFrame], "str | None"]
"""Handle an incoming frame; return None to ACK it or a reason to NAK it."""


class LinkTimeout(TimeoutError):
    """The peer never acknowledged a frame after every retry."""


class ReliableLink:
    """Sends one frame at a time with retransmission; ACKs and de-duplicates what it receives."""

    def __init__(self, path: str, handler: FrameHandler, *, baudrate: int = 9600, ack_timeout: float = 0.3):
        self._port = open_port(path, baudrate)
        self._handler = handler
        self.ack_timeout = ack_timeout
        self.retries = 5
        self.errors: list[FrameError] = []
        self._decoder = TextDecoder()
        self._seq = 0
        self._send_lock = threading.Lock()
        self._acks: dict[int, threading.Event] = {}
        self._recent: deque[tuple[int, str, tuple[str, ...]]] = deque(maxlen=32)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read_loop, name=f"scah-{path}", daemon=True)
        self._thread.start()

    def send(self, verb: str, *args: str) -> None:
        """Send and wait for the ACK (or NAK), retransmitting; raises LinkTimeout."""
        with self._send_lock:
            self._seq = (self._seq + 1) % 1000
            frame = TextFrame(self._seq, verb, args)
            done = threading.Event()
            self._acks[frame.seq] = done
            try:
                for _attempt in range(self.retries + 1):
                    self._write(encode_frame(frame))
                    if done.wait(self.ack_timeout):
                        return
                raise LinkTimeout(f"no ACK for {verb} after {self.retries} retries")
            finally:
                self._acks.pop(frame.seq, None)

    def _write(self, data: bytes) -> None:
        try:
            self._port.write(data)
        except (serial.SerialException, OSError) as exc:
            log.warning("serial write failed: %s", exc)

    def _read_loop(self) -> None:
        while not self._stop.is_set():
            try:
                data = self._port.read(256)
            except (serial.SerialException, OSError, TypeError):
                if self._stop.is_set():
                    return
                continue
            if data:
                for item in self._decoder.feed(data):
                    self._dispatch(item)

    def _dispatch(self, item: TextFrame | FrameError) -> None:
        if isinstance(item, FrameError):
            self.errors.append(item)
            log.debug("SCAH frame error %s: %r", item.reason, item.raw[:40])
            return
        if item.verb in ("ACK", "NAK"):
            event = self._acks.get(item.seq)
            if event is not None:
                event.set()
            return
        key = (item.seq, item.verb, item.args)
        if key in self._recent:
            self._write(encode_frame(TextFrame(item.seq, "ACK")))  # our ACK was lost: ACK again, do not redo
            return
        reason = self._handler(item)
        self._recent.append(key)
        reply = TextFrame(item.seq, "ACK") if reason is None else TextFrame(item.seq, "NAK", (reason,))
        self._write(encode_frame(reply))

    def close(self) -> None:
        """Stop the reader and close the port."""
        self._stop.set()
        self._thread.join(2)
        self._port.close()

"""A serial relay board simulator (LCUS-style frames) that records every switch and pulse with timestamps."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import serial

from devices.serial.port import open_port
from devices.serial.relay_codec import RelayDecoder


@dataclass(frozen=True, slots=True)
class Pulse:
    """A completed on→off cycle of one channel (monotonic seconds)."""

    channel: int
    on_at: float
    off_at: float

    @property
    def duration(self) -> float:
        """How long the relay was energised."""
        return self.off_at - self.on_at


class RelayRecorder:
    """Channel states plus a history of switches and pulses; shared by serial and Modbus boards."""

    def __init__(self, channels: int) -> None:
        self.channels = channels
        self.state = [False] * (channels + 1)
        self.switches: list[tuple[float, int, bool]] = []
        self.pulses: list[Pulse] = []
        self._on_since: dict[int, float] = {}
        self.lock = threading.Lock()

    def apply(self, channel: int, on: bool, at: float | None = None) -> bool:
        """Record a switch; False if the channel does not exist."""
        if not 1 <= channel <= self.channels:
            return False
        now = time.monotonic() if at is None else at
        with self.lock:
            self.switches.append((now, channel, on))
            if on and not self.state[channel]:
                self._on_since[channel] = now
            if not on and self.state[channel]:
                self.pulses.append(Pulse(channel, self._on_since.pop(channel), now))
            self.state[channel] = on
        return True


class SerialRelayBoardSimulator:
    """Reads relay frames from a serial/pty path and applies them to a RelayRecorder."""

    def __init__(self, path: str, channels: int = 8, *, baudrate: int = 9600) -> None:
        self.recorder = RelayRecorder(channels)
        self.decoder = RelayDecoder()
        self._port = open_port(path, baudrate)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="relay-board-sim", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                data = self._port.read(64)
            except (serial.SerialException, OSError, TypeError):
                continue
            for frame in self.decoder.feed(data):
                self.recorder.apply(frame.channel, frame.on)

    def close(self) -> None:
        """Stop and close the port."""
        self._stop.set()
        self._thread.join(2)
        self._port.close()

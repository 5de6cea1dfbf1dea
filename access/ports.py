"""The small interfaces the door controller drives; devices/ adapters (and test fakes) implement them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import numpy as np


@dataclass(frozen=True)
class Frame:
    """One camera frame: RGB pixels, a monotonic timestamp (s) and the device wall-clock time."""

    image: np.ndarray
    mono_s: float
    wall: datetime


class FrameSource(Protocol):
    """A camera: the next frame, or None when the stream has ended."""

    def read(self) -> Frame | None:
        """Next frame."""
        ...


class LockRelay(Protocol):
    """The door lock relay."""

    def unlock(self, seconds: float) -> None:
        """Release the lock for this long, then lock again."""
        ...

    def hold_unlocked(self, on: bool) -> None:
        """Keep the lock released until told otherwise (fire alarm, fail-safe)."""
        ...


class Signals(Protocol):
    """The door's light and voice output."""

    def light(self, colour: str) -> None:
        """Show green / red."""
        ...

    def say(self, text_zh: str) -> None:
        """Speak a prompt (configured audio output or device command)."""
        ...


class DoorEvents(Protocol):
    """Where the controller hands its events: the bus outbox, or a local JSONL buffer without a bus."""

    def publish(self, event: dict[str, Any]) -> object:
        """Take one event (never raises for an unreachable bus)."""
        ...

    def flush(self) -> bool:
        """Deliver what waits; True when nothing does."""
        ...


class EventSink(Protocol):
    """Where door events go (the bus); raises ConnectionError/OSError while unreachable."""

    def publish(self, event: dict[str, Any]) -> None:
        """Deliver one event."""
        ...

"""FaultPlan: what to do to bytes crossing a link (drop, delay, corrupt CRC, split)."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field


@dataclass
class FaultPlan:
    """Mutable, thread-safe fault settings for one direction of a link; all off by default.

    `drop_next`/`corrupt_next` count chunks (one read from the wire, usually one frame);
    corruption XORs `corrupt_mask` into the byte at `corrupt_offset` (default: the last byte, which is the
    CRC/checksum in Modbus RTU and the relay board protocol).
    """

    delay: float = 0.0
    drop_next: int = 0
    drop_rate: float = 0.0
    corrupt_next: int = 0
    corrupt_offset: int = -1
    corrupt_mask: int = 0xFF
    split: int = 0
    split_gap: float = 0.002
    seed: int = 1
    dropped: int = 0
    corrupted: int = 0
    _rng: random.Random = field(default_factory=random.Random, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self._rng.seed(self.seed)

    def clear(self) -> None:
        """Turn every fault off."""
        with self._lock:
            self.delay = self.drop_rate = 0.0
            self.drop_next = self.corrupt_next = self.split = 0

    def apply(self, chunk: bytes) -> list[bytes]:
        """Pieces to send (empty when dropped); callers sleep `delay` and `split_gap`."""
        with self._lock:
            if self.drop_next > 0 or (self.drop_rate and self._rng.random() < self.drop_rate):
                self.drop_next = max(self.drop_next - 1, 0)
                self.dropped += 1
                return []
            if self.corrupt_next > 0 and chunk:
                self.corrupt_next -= 1
                self.corrupted += 1
                data = bytearray(chunk)
                i = max(-len(data), min(self.corrupt_offset, len(data) - 1))
                data[i] ^= self.corrupt_mask
                chunk = bytes(data)
            size = self.split
        if size <= 0:
            return [chunk]
        return [chunk[i : i + size] for i in range(0, len(chunk), size)]

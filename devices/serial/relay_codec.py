"""Sans-I/O codec for LCUS-style serial relay boards: `A0 <channel> <state> <sum>` (sum = bytes mod 256)."""

from __future__ import annotations

from dataclasses import dataclass

HEADER = 0xA0
FRAME_LEN = 4


@dataclass(frozen=True, slots=True)
class RelayFrame:
    """Switch `channel` (1..255) on or off."""

    channel: int
    on: bool


def encode_relay(frame: RelayFrame) -> bytes:
    """Four bytes, e.g. channel 1 on = A0 01 01 A2."""
    if not 1 <= frame.channel <= 255:
        raise ValueError("channel must be 1..255")
    state = 1 if frame.on else 0
    return bytes([HEADER, frame.channel, state, (HEADER + frame.channel + state) & 0xFF])


class RelayDecoder:
    """Board side: `feed()` returns valid frames; bad checksums and garbage are counted in `errors`."""

    def __init__(self) -> None:
        self._buf = bytearray()
        self.errors = 0

    def feed(self, data: bytes) -> list[RelayFrame]:
        """Consume bytes, resynchronising on the 0xA0 header."""
        self._buf += data
        out: list[RelayFrame] = []
        while self._buf:
            if self._buf[0] != HEADER:
                cut = self._buf.find(bytes([HEADER]))
                cut = len(self._buf) if cut < 0 else cut
                del self._buf[:cut]
                self.errors += 1
                continue
            if len(self._buf) < FRAME_LEN:
                break
            _h, ch, state, total = self._buf[:FRAME_LEN]
            if (HEADER + ch + state) & 0xFF != total or state > 1 or ch == 0:
                nxt = self._buf.find(bytes([HEADER]), 1)
                del self._buf[: nxt if nxt > 0 else len(self._buf)]
                self.errors += 1
                continue
            del self._buf[:FRAME_LEN]
            out.append(RelayFrame(ch, bool(state)))
        return out

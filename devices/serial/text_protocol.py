"""Sans-I/O codec for the SCAH/1 text alarm-host protocol (see PROTOCOL.md): bytes in, frames out."""

from __future__ import annotations

from dataclasses import dataclass

from devices.serial.crc import crc16_ccitt

START = ord("@")
MAX_LINE = 200
VERBS = frozenset({"EVT", "HB", "CID", "ACK", "ARM", "DISARM", "STATUS", "NAK"})


@dataclass(frozen=True, slots=True)
class TextFrame:
    """One valid frame: sequence number 0..999, verb, arguments."""

    seq: int
    verb: str
    args: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FrameError:
    """Bytes that did not form a valid frame: `reason` is garbage, crc, syntax or overflow."""

    reason: str
    raw: bytes


def encode_frame(frame: TextFrame) -> bytes:
    """`@SSS VERB ARG...*CCCC\\r\\n` with CRC-16/CCITT over the bytes between `@` and `*`."""
    if not 0 <= frame.seq <= 999 or frame.verb not in VERBS:
        raise ValueError(f"bad frame {frame}")
    body = " ".join((f"{frame.seq:03d}", frame.verb, *frame.args)).encode("ascii")
    if b"*" in body or b"@" in body or b"\r" in body or len(body) > MAX_LINE - 9:
        raise ValueError("argument contains a reserved character or is too long")
    return b"@" + body + b"*" + f"{crc16_ccitt(body):04X}".encode() + b"\r\n"


class TextDecoder:
    """Accumulates bytes; `feed()` returns every complete frame or error, in order; partial input is kept."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[TextFrame | FrameError]:
        """Consume `data`; never raises on bad input."""
        self._buf += data
        out: list[TextFrame | FrameError] = []
        while True:
            start = self._buf.find(START)
            if start < 0:
                if self._buf.strip(b"\r\n"):
                    out.append(FrameError("garbage", bytes(self._buf)))
                self._buf.clear()
                return out
            if self._buf[:start].strip(b"\r\n"):
                out.append(FrameError("garbage", bytes(self._buf[:start])))
            del self._buf[:start]
            end = self._buf.find(b"\r\n")
            restart = self._buf.find(START, 1, end if end >= 0 else len(self._buf))
            if restart > 0:  # a new frame began before this one ended: report the stub, resync
                out.append(FrameError("syntax", bytes(self._buf[:restart])))
                del self._buf[:restart]
                continue
            if end < 0:
                if len(self._buf) > MAX_LINE:
                    out.append(FrameError("overflow", bytes(self._buf)))
                    self._buf.clear()
                return out
            line = bytes(self._buf[: end + 2])
            del self._buf[: end + 2]
            out.append(_parse(line))

    def pending(self) -> int:
        """Bytes held waiting for the rest of a frame."""
        return len(self._buf)


def _parse(line: bytes) -> TextFrame | FrameError:
    inner = line[1:-2]
    body, star, crc = inner.rpartition(b"*")
    if not star or len(crc) != 4:
        return FrameError("syntax", line)
    try:
        if int(crc, 16) != crc16_ccitt(body):
            return FrameError("crc", line)
        seq, verb, *args = body.decode("ascii").split(" ")
        if len(seq) != 3 or not seq.isdigit() or verb not in VERBS:
            return FrameError("syntax", line)
    except ValueError:
        return FrameError("syntax", line)
    return TextFrame(int(seq), verb, tuple(args))

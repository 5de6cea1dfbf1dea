"""Register <-> value conversion honouring a device's word and byte order (pure functions, no I/O)."""

from __future__ import annotations

import struct
from typing import Literal

Order = Literal["big", "little"]
_FMT = {"u16": "H", "i16": "h", "u32": "I", "i32": "i", "f32": "f"}
DataType = Literal["u16", "i16", "u32", "i32", "f32"]


def _swap16(word: int) -> int:
    return ((word & 0xFF) << 8) | (word >> 8)


def decode(
    registers: list[int], dtype: DataType, *, word_order: Order = "big", byte_order: Order = "big"
) -> int | float:
    """Decode one value from 1 (16-bit) or 2 (32-bit) registers."""
    size = struct.calcsize(_FMT[dtype]) // 2
    if len(registers) != size:
        raise ValueError(f"{dtype} needs {size} register(s), got {len(registers)}")
    words = [w if byte_order == "big" else _swap16(w) for w in registers]
    if word_order == "little":
        words.reverse()
    raw = b"".join(w.to_bytes(2, "big") for w in words)
    value: int | float = struct.unpack(">" + _FMT[dtype], raw)[0]
    return value


def encode(
    value: int | float, dtype: DataType, *, word_order: Order = "big", byte_order: Order = "big"
) -> list[int]:
    """Encode one value into registers (inverse of `decode`)."""
    raw = struct.pack(">" + _FMT[dtype], value)
    words = [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw), 2)]
    if word_order == "little":
        words.reverse()
    return [w if byte_order == "big" else _swap16(w) for w in words]


def decode_ascii(registers: list[int]) -> str:
    """Two ASCII characters per register, high byte first, NULs stripped (serial numbers)."""
    return b"".join(r.to_bytes(2, "big") for r in registers).rstrip(b"\x00").decode("ascii", "replace")


def encode_ascii(text: str, registers: int) -> list[int]:
    """Pad/cut `text` to `registers` registers."""
    raw = text.encode("ascii")[: registers * 2].ljust(registers * 2, b"\x00")
    return [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw), 2)]
